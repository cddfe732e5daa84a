/**
 * The graph's video budget is set once (`settings.video`) and reaches every node field that inherits it, unless the
 * node sets its own value; the inherited value is validated, in the cache key, and named by `explain` when it changes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { defineOnceNode, RecordType, videoBudgetField, type JsonObject } from '../../nodes/sdk/index.ts';
import { openEngine, runToEnd, tempDir } from '../support/engine-fixture.ts';

/** A node that reports the budget it was given. */
const sampler = defineOnceNode({
  type: 'test.sampler',
  version: 1,
  title: 'Sampler',
  category: 'Test',
  description: 'Outputs the video budget of its config.',
  inputs: {},
  outputs: { budget: { type: RecordType, description: 'The budget it ran with.' } },
  config: z.object({
    fps: videoBudgetField('fps', 'Frames per second.'),
    maxFrames: videoBudgetField('maxFrames', 'Most frames.'),
    maxPixels: videoBudgetField('maxPixels', 'Most pixels per frame.'),
  }),
  async execute(_ctx, _inputs, c) {
    return { budget: [{ fps: c.fps, maxFrames: c.maxFrames, maxPixels: c.maxPixels } as JsonObject] };
  },
});
const catalog = new NodeCatalog([...nodeDefinitions, sampler]);

function graph(settings: GraphFile['settings'], nodeConfig: Record<string, unknown> = {}): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'budget',
    ...(settings && { settings }),
    nodes: [{ id: 's', type: 'test.sampler', typeVersion: 1, position: { x: 0, y: 0 }, config: nodeConfig }],
    edges: [],
  };
}

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir?.remove());

describe('the graph video budget', () => {
  it('defaults to the paper’s budget, is inherited, and a node’s own value wins', async () => {
    const engine = openEngine(join(dir.path, 'data'), [], catalog);
    try {
      const budgetOf = async (g: GraphFile) => {
        const run = await runToEnd(engine, g);
        expect(run.status).toBe('done');
        return (await engine.nodeOutput(run.runId, 's', 'budget', { limit: 1 })).items[0]!.data;
      };
      expect(await budgetOf(graph(undefined))).toEqual({ fps: 2, maxFrames: 192, maxPixels: 128 * 28 * 28 });
      expect(await budgetOf(graph({ video: { fps: 1, maxFrames: 64 } }))).toEqual({ fps: 1, maxFrames: 64, maxPixels: 100352 });
      expect(await budgetOf(graph({ video: { fps: 1, maxFrames: 64 } }, { maxFrames: 32 }))).toEqual({
        fps: 1,
        maxFrames: 32,
        maxPixels: 100352,
      });

      // Changing the graph's budget re-runs the node, and explain names the inherited field.
      const explained = await engine.explain(graph({ video: { fps: 4, maxFrames: 64 } }, { maxFrames: 32 }));
      const explanation = explained.find((e) => e.nodeId === 's')!;
      expect(explanation.cached).toBe(false);
      expect(explanation.changes).toEqual([expect.objectContaining({ kind: 'config', field: 'fps' })]);
    } finally {
      await engine.close();
    }
  });

  it('rejects an invalid budget naming the graph setting, and a node value out of range naming the node field', async () => {
    const engine = openEngine(join(dir.path, 'data-invalid'), [], catalog);
    try {
      await expect(engine.validate(graph({ video: { maxFrames: 1 } }))).rejects.toThrow(/settings\.video\.maxFrames: Too small/);
      const result = await engine.validate(graph({ video: { fps: 1 } }, { maxFrames: 1 }));
      expect(result.errors).toEqual([expect.objectContaining({ nodeId: 's', field: 'maxFrames' })]);
    } finally {
      await engine.close();
    }
  });
});
