import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../main/api/contract.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, pipelineGraph, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { until } from '../support/until.ts';

/** One source feeding two independent LLM branches, each with concurrency 1. */
function forkGraph(input: string): GraphFile {
  const ask = (id: string, x: number) => ({
    id,
    type: 'core.llm-map',
    typeVersion: 1,
    position: { x, y: 0 },
    config: { provider: 'test-llm', prompt: `${id} {{n}}`, concurrency: 1 },
  });
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'fork',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      ask('left', 1),
      ask('right', 2),
    ],
    edges: [
      { id: 'a', from: { node: 'src', port: 'items' }, to: { node: 'left', port: 'items' } },
      { id: 'b', from: { node: 'src', port: 'items' }, to: { node: 'right', port: 'items' } },
    ],
  };
}

describe('executor', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let input: string;
  let events: RunEvent[];

  beforeEach(async () => {
    dir = tempDir();
    server = await startScriptedLlmServer({ latencyMs: 20, respond: () => 'ok' });
    engine = openEngine(join(dir.path, 'data'), [profile('test-llm', server.baseURL)]);
    input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: 10 }, (_, n) => ({ n })));
    events = [];
    engine.subscribe((e) => events.push(e));
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('runs independent branches in parallel', async () => {
    const run = await runToEnd(engine, forkGraph(input));
    expect(run.status).toBe('done');
    expect(server.maxInFlight).toBe(2);
  });

  it('reports node states and progress as events', async () => {
    const run = await runToEnd(engine, pipelineGraph(input, join(dir.path, 'out.jsonl')));
    const mine = events.filter((e) => 'runId' in e && e.runId === run.runId);
    expect(mine[0]).toMatchObject({ type: 'run-started', nodeIds: ['src', 'ask', 'keep', 'out'] });
    expect(mine.at(-1)).toMatchObject({ type: 'run-finished', status: 'done', totals: { llmCalls: 10 } });
    const askStates = mine.filter((e) => e.type === 'node-state' && e.nodeId === 'ask').map((e) => (e as { state: string }).state);
    expect(askStates).toEqual(['queued', 'running', 'done']);
    const lastProgress = mine.filter((e) => e.type === 'node-progress' && e.nodeId === 'ask').at(-1);
    expect(lastProgress).toMatchObject({ done: 10, total: 10, cached: 0, failed: 0 });
  });

  it('cancels a run, keeps the finished items, and resumes from them', async () => {
    const graph = forkGraph(input);
    const { runId } = await engine.startRun({ graph });
    await until(() => server.requests.length >= 4, 'four requests in flight');
    expect(await engine.cancelRun(runId)).toEqual({ cancelled: true });
    expect(await engine.waitForRun(runId)).toBe('cancelled');
    const cancelled = await engine.getRun(runId);
    expect(cancelled.nodes.find((n) => n.nodeId === 'left')!.state).toBe('cancelled');
    const answeredBefore = server.requests.length;

    const resumed = await runToEnd(engine, graph);
    expect(resumed.status).toBe('done');
    const cachedItems = resumed.nodes.reduce((sum, n) => sum + (n.nodeId === 'src' ? 0 : n.itemsCached), 0);
    expect(cachedItems).toBeGreaterThanOrEqual(2);
    expect(server.requests.length - answeredBefore + cachedItems).toBeLessThanOrEqual(20 + 2);
  });

  it('counts the LLM requests the server received when a run is cancelled with requests queued', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = await startScriptedLlmServer({ respond: () => gate.then(() => 'ok') });
    const narrow = openEngine(join(dir.path, 'narrow'), [profile('test-llm', held.baseURL, { maxConcurrency: 4 })]);
    try {
      // The node runs 8 items at once, the profile admits 4: the other 4 queue and are cancelled before being sent.
      const { runId } = await narrow.startRun({ graph: pipelineGraph(input, join(dir.path, 'out.jsonl')) });
      await until(() => held.requests.length >= 4, 'four requests at the server');
      await narrow.cancelRun(runId);
      expect(await narrow.waitForRun(runId)).toBe('cancelled');
      const run = await narrow.getRun(runId);
      expect(run.totals.llmCalls).toBe(held.requests.length);
      expect(run.nodes.find((n) => n.nodeId === 'ask')!.llmCalls).toBe(held.requests.length);
    } finally {
      release();
      await narrow.close();
      await held.close();
    }
  });

  it('reports an item finished before a long quiet within one progress interval, not at the next change', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The first request of each branch is answered at once; every later one waits, so no later change follows.
    const slow = await startScriptedLlmServer({ respond: () => (slow.requests.length <= 2 ? 'ok' : gate.then(() => 'ok')) });
    const quiet = openEngine(join(dir.path, 'quiet'), [profile('test-llm', slow.baseURL)]);
    const seen: RunEvent[] = [];
    quiet.subscribe((e) => seen.push(e));
    try {
      const { runId } = await quiet.startRun({ graph: forkGraph(input) });
      const doneOne = (nodeId: string) => seen.some((e) => e.type === 'node-progress' && e.nodeId === nodeId && e.done === 1);
      await until(() => doneOne('left') && doneOne('right'), 'progress of the first item of both branches');
      await quiet.cancelRun(runId);
      await quiet.waitForRun(runId);
    } finally {
      release();
      await quiet.close();
      await slow.close();
    }
  });

  it('--until runs only the node and its upstream', async () => {
    const run = await runToEnd(engine, pipelineGraph(input, join(dir.path, 'out.jsonl')), { until: 'ask' });
    expect(run.nodes.map((n) => n.nodeId)).toEqual(['src', 'ask']);
    expect(existsSync(join(dir.path, 'out.jsonl'))).toBe(false);
  });

  it('--from takes upstream from the cache, and refuses when it is not cached', async () => {
    const graph = pipelineGraph(input, join(dir.path, 'out.jsonl'));
    const refused = await runToEnd(engine, graph, { from: 'keep' });
    expect(refused.status).toBe('failed');
    expect(refused.nodes.find((n) => n.nodeId === 'src')!.error).toMatch(/no cached output.*--from/);
    expect(server.requests).toHaveLength(0);

    await runToEnd(engine, graph, { until: 'ask' });
    const from = await runToEnd(engine, graph, { from: 'keep' });
    expect(from.status).toBe('done');
    expect(Object.fromEntries(from.nodes.map((n) => [n.nodeId, n.state]))).toEqual({
      src: 'cached',
      ask: 'cached',
      keep: 'done',
      out: 'done',
    });
    expect(server.requests).toHaveLength(10);
  });

  it('--no-cache recomputes everything', async () => {
    const graph = pipelineGraph(input, join(dir.path, 'out.jsonl'));
    await runToEnd(engine, graph);
    const again = await runToEnd(engine, graph, { noCache: true });
    expect(again.nodes.every((n) => n.state === 'done')).toBe(true);
    expect(server.requests).toHaveLength(20);
  });

  it('never starts an invalid graph', async () => {
    const graph = pipelineGraph(input, join(dir.path, 'out.jsonl'));
    graph.nodes[1]!.config.temperature = 'hot';
    await expect(engine.startRun({ graph })).rejects.toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ nodeId: 'ask', field: 'temperature' })],
    });
    expect(await engine.listRuns()).toEqual([]);
  });

  it('prune drops old runs and the outputs only they produced', async () => {
    await runToEnd(engine, pipelineGraph(input, join(dir.path, 'out.jsonl')));
    const latest = await runToEnd(engine, pipelineGraph(input, join(dir.path, 'out.jsonl'), { threshold: 3 }));
    const report = engine.prune({ keepRuns: 1 });
    expect(report.runs).toBe(1);
    expect(report.outputs).toBeGreaterThanOrEqual(1);
    expect((await engine.listRuns()).map((r) => r.runId)).toEqual([latest.runId]);
    const page = await engine.nodeOutput(latest.runId, 'keep', 'kept', {});
    expect(page.total).toBe(3);
    const explanations = await engine.explain(pipelineGraph(input, join(dir.path, 'out.jsonl'), { threshold: 3 }));
    expect(explanations.find((e) => e.nodeId === 'keep')!.cached).toBe(true);
  });
});

describe('non-deterministic nodes', () => {
  it('re-run on every fresh run, while deterministic neighbours stay cached', async () => {
    const dir = tempDir();
    const engine = openEngine(join(dir.path, 'data'));
    try {
      const input = writeJsonl(join(dir.path, 'in.jsonl'), [{ n: 1 }]);
      const graph: GraphFile = {
        format: 'rewatch-studio/graph',
        version: 1,
        name: 'sink',
        nodes: [
          { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
          { id: 'out', type: 'core.export', typeVersion: 1, position: { x: 1, y: 0 }, config: { path: join(dir.path, 'o.jsonl') } },
        ],
        edges: [{ id: 'e', from: { node: 'src', port: 'items' }, to: { node: 'out', port: 'items' } }],
      };
      await runToEnd(engine, graph);
      const [, out] = await engine.explain(graph);
      expect(out!.changes).toEqual([expect.objectContaining({ kind: 'nondeterministic' })]);
      const second = await runToEnd(engine, graph);
      expect(second.nodes.map((n) => n.state)).toEqual(['cached', 'done']);
    } finally {
      await engine.close();
      dir.remove();
    }
  });
});
