/**
 * The JSONL source streams its records to the map nodes after it. A source failing mid-file leaves its readers
 * skipped, as a failing map node upstream does, and a run on the fixed file stores what a barrier run stores.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { openEngine, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../support/run-fingerprint.ts';

const GOOD = 300;

function sourceGraph(input: string): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'jsonl-stream',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      { id: 'keep', type: 'core.filter', typeVersion: 1, position: { x: 1, y: 0 }, config: { field: 'n', operator: 'lt', value: 100 } },
    ],
    edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'keep', port: 'items' } }],
  };
}

describe('a streaming JSONL source', () => {
  let dir: ReturnType<typeof tempDir>;
  let engines: Engine[];
  const engineAt = (name: string) => {
    const engine = openEngine(join(dir.path, name));
    engines.push(engine);
    return engine;
  };
  const fingerprint = async (engine: Engine, runId: string, name: string) => ({
    nodes: await runFingerprint(engine, await engine.getRun(runId), ['src', 'keep']),
    itemKeys: itemKeys(join(dir.path, name)),
  });

  beforeEach(() => {
    dir = tempDir('rewatch-streaming-sources-');
    engines = [];
  });
  afterEach(async () => {
    for (const engine of engines) await engine.close();
    dir.remove();
  });

  it('failing on a bad line after good ones: its reader is skipped, and the fixed file then runs as a barrier run does', async () => {
    const rows = Array.from({ length: GOOD }, (_, n) => ({ n }));
    const input = join(dir.path, 'records.jsonl');
    writeFileSync(input, [...rows.map((r) => JSON.stringify(r)), 'not json'].join('\n'));
    const engine = engineAt('streaming');

    const failed = await runToEnd(engine, sourceGraph(input));
    expect(failed.status).toBe('failed');
    const states = Object.fromEntries(failed.nodes.map((n) => [n.nodeId, n.state]));
    expect(states).toEqual({ src: 'failed', keep: 'skipped' });
    expect(failed.nodes.find((n) => n.nodeId === 'src')?.error).toContain(`records.jsonl:${GOOD + 1}: not valid JSON`);

    writeJsonl(input, rows);
    const fixed = await runToEnd(engine, sourceGraph(input));
    expect(fixed.status).toBe('done');
    const barrierEngine = engineAt('barrier');
    const barrier = await runToEnd(barrierEngine, sourceGraph(input), { execution: 'barrier' });
    expect(barrier.status).toBe('done');
    const streamed = await fingerprint(engine, fixed.runId, 'streaming');
    expect(streamed).toEqual(await fingerprint(barrierEngine, barrier.runId, 'barrier'));
    expect(streamed.nodes.keep!.outputs.kept).toEqual(rows.slice(0, 100));
  });
});
