/**
 * A streaming once-node writes its ports one after the other; a node taking one of them as a side input (taken whole)
 * starts once that port is written to its end, not when the node ends. The test source here lists its `files`, then
 * holds its `rest` on a gate the test opens: "the source still runs" is a state, not a moment.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunEvent } from '../../main/api/contract.ts';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { VideoFileType } from '../../nodes/rewatch/types.ts';
import { AnyType, defineOnceNode } from '../../nodes/sdk/index.ts';
import { openEngine, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../support/run-fingerprint.ts';
import { until } from '../support/until.ts';

const VIDEOS = 20;
const ITEMS_PER_VIDEO = 3;

/** What the held `rest` port does once the test opens the gate. */
type Gate = { open(ending: 'finish' | 'fail'): void; opened: Promise<'finish' | 'fail'> };
let gate: Gate;
const newGate = (): Gate => {
  let open!: Gate['open'];
  const opened = new Promise<'finish' | 'fail'>((resolve) => (open = resolve));
  return { open, opened };
};

const filesThenRest = defineOnceNode({
  type: 'test.files-then-rest',
  version: 1,
  streamsOutput: true,
  title: 'Files, then the rest',
  category: 'Core',
  description: 'Lists `count` files at once, then writes `rest` once the test lets it, or fails there.',
  inputs: {},
  outputs: { files: { type: VideoFileType, description: 'The files.' }, rest: { type: AnyType, description: 'Held.' } },
  config: z.object({ count: z.number().int() }),
  async execute(_ctx, _inputs, c) {
    async function* rest() {
      if ((await gate.opened) === 'fail') throw new Error('the source broke after listing its files');
      yield 'done';
    }
    return { files: Array.from({ length: c.count }, (_, i) => ({ id: `v${i}`, path: `/videos/${i}.mp4` })), rest: rest() };
  },
});
const catalog = new NodeCatalog([...nodeDefinitions, filesThenRest]);

function splitGraph(items: string): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'port-side-inputs',
    nodes: [
      { id: 'src', type: 'test.files-then-rest', typeVersion: 1, position: { x: 0, y: 0 }, config: { count: VIDEOS } },
      { id: 'items', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 100 }, config: { path: items } },
      { id: 'split', type: 'rewatch.split', typeVersion: 2, position: { x: 200, y: 0 }, config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'src', port: 'files' }, to: { node: 'split', port: 'videos' } },
      { id: 'e2', from: { node: 'items', port: 'items' }, to: { node: 'split', port: 'items' } },
    ],
  };
}

describe('a side input taken from a port of a streaming once-node', () => {
  let dir: ReturnType<typeof tempDir>;
  let engines: Engine[];
  let items: string;
  const engineAt = (name: string) => {
    const engine = openEngine(join(dir.path, name), [], catalog);
    engines.push(engine);
    return engine;
  };
  const fingerprint = async (engine: Engine, runId: string, name: string) => ({
    nodes: await runFingerprint(engine, await engine.getRun(runId), ['src', 'items', 'split']),
    itemKeys: itemKeys(join(dir.path, name)),
  });

  /** Starts a streaming run and waits until the split placed every item while the source is held. */
  const startHeld = async (engine: Engine) => {
    gate = newGate();
    const events: RunEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const { runId } = await engine.startRun({ graph: splitGraph(items) });
    const latest = <T extends RunEvent['type']>(type: T, nodeId: string) =>
      events.findLast((e): e is Extract<RunEvent, { type: T }> => e.type === type && e.runId === runId && 'nodeId' in e && e.nodeId === nodeId);
    const total = VIDEOS * ITEMS_PER_VIDEO;
    await until(() => latest('node-progress', 'split')?.done === total, () => `the split to place ${total} items, got ${JSON.stringify(latest('node-progress', 'split'))}`);
    expect(latest('node-state', 'src')?.state).toBe('running');
    return { runId, latest };
  };

  beforeEach(() => {
    dir = tempDir('rewatch-port-side-inputs-');
    engines = [];
    items = writeJsonl(join(dir.path, 'items.jsonl'), Array.from({ length: VIDEOS * ITEMS_PER_VIDEO }, (_, n) => ({ n, videoId: `v${n % VIDEOS}` })));
  });
  afterEach(async () => {
    gate?.open('finish');
    for (const engine of engines) await engine.close();
    dir.remove();
  });

  it('starts the node once the port is complete, while the source still writes its next port, and stores what a barrier run stores', async () => {
    const engine = engineAt('streaming');
    const { runId } = await startHeld(engine);
    gate.open('finish');
    expect(await engine.waitForRun(runId)).toBe('done');

    gate = newGate();
    gate.open('finish');
    const barrierEngine = engineAt('barrier');
    const barrier = await runToEnd(barrierEngine, splitGraph(items), { execution: 'barrier' });
    expect(barrier.status).toBe('done');
    const streamed = await fingerprint(engine, runId, 'streaming');
    expect(streamed).toEqual(await fingerprint(barrierEngine, barrier.runId, 'barrier'));
    const placed = ['sft', 'rl', 'heldOut'].flatMap((port) => streamed.nodes.split!.outputs[port]!);
    expect(placed).toHaveLength(VIDEOS * ITEMS_PER_VIDEO);
  });

  it('skips the node, as a barrier run would, when the source fails after the port it read', async () => {
    const engine = engineAt('failing');
    const { runId, latest } = await startHeld(engine);
    gate.open('fail');
    expect(await engine.waitForRun(runId)).toBe('failed');
    expect(latest('node-state', 'src')).toMatchObject({ state: 'failed', error: expect.stringContaining('the source broke after listing its files') });
    expect(latest('node-state', 'split')?.state).toBe('skipped');
  });
});
