/**
 * Item streaming between map nodes: a map node consumes the settled prefix of an upstream map node while it runs,
 * and stores exactly what a barrier run stores (node keys, item keys, outputs in order, item errors by seq).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { graphFileText } from '../../main/graph/canonical.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { deferred } from '../support/deferred.ts';
import { openEngine, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../support/run-fingerprint.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { startRunProcess, storeQuery } from '../support/run-processes.ts';
import { until } from '../support/until.ts';

const ITEMS = 20;
const LAST = ITEMS - 1;
const NUMBER_SCHEMA = { type: 'object', properties: { v: { type: 'number' } }, required: ['v'], additionalProperties: false };

/**
 * records → first (LLM) → keep (filter, n ≠ 3) → second (LLM, JSON) → file: three map nodes in a row, then a once-node.
 * `first` answers JSON when `firstJson` (so a junk reply fails its item).
 */
function chainGraph(input: string, output: string, options: { firstJson?: boolean; firstMaxErrorRatio?: number } = {}): GraphFile {
  const llm = (id: string, x: number, config: Record<string, unknown>) => ({
    id,
    type: 'core.llm-map',
    typeVersion: 1,
    position: { x, y: 0 },
    config: { provider: 'test-llm', concurrency: 4, ...config },
  });
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'chain',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      llm('first', 1, {
        prompt: 'first <{{n}}>',
        outputField: 'a',
        ...(options.firstJson ? { jsonSchema: NUMBER_SCHEMA } : {}),
        ...(options.firstMaxErrorRatio !== undefined ? { maxErrorRatio: options.firstMaxErrorRatio } : {}),
      }),
      { id: 'keep', type: 'core.filter', typeVersion: 1, position: { x: 2, y: 0 }, config: { field: 'n', operator: 'not-equals', value: 3 } },
      llm('second', 3, { prompt: 'second <{{n}}>', outputField: 'b', jsonSchema: NUMBER_SCHEMA }),
      { id: 'out', type: 'core.export', typeVersion: 1, position: { x: 4, y: 0 }, config: { path: output } },
    ],
    edges: [
      { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'first', port: 'items' } },
      { id: 'e2', from: { node: 'first', port: 'items' }, to: { node: 'keep', port: 'items' } },
      { id: 'e3', from: { node: 'keep', port: 'kept' }, to: { node: 'second', port: 'items' } },
      { id: 'e4', from: { node: 'second', port: 'items' }, to: { node: 'out', port: 'items' } },
    ],
  };
}

const promptOf = (request: ScriptedChatRequest) => String(request.messages.find((m) => m.role === 'user')?.content);
/** The item number a prompt names: `first <7>` → 7. */
const numberIn = (prompt: string) => Number(/<(\d+)>/.exec(prompt)?.[1]);

describe('item streaming between map nodes', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engines: Engine[];
  let input: string;
  /** Replies by prompt; tests replace it. */
  let reply: (prompt: string) => Promise<string>;

  const answer = async (prompt: string) => {
    // Replies come back out of order, so items settle out of order.
    await new Promise((resolve) => setTimeout(resolve, (numberIn(prompt) * 7) % 5));
    if (prompt.startsWith('second <7>')) return 'not json at all';
    return prompt.startsWith('second') || prompt.startsWith('first') ? JSON.stringify({ v: numberIn(prompt) * 10 }) : 'ok';
  };

  const engineAt = (name: string) => {
    const engine = openEngine(join(dir.path, name), [profile('test-llm', server.baseURL)]);
    engines.push(engine);
    return engine;
  };

  beforeEach(async () => {
    dir = tempDir();
    engines = [];
    reply = answer;
    server = await startScriptedLlmServer({ respond: (request) => reply(promptOf(request)) });
    input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: ITEMS }, (_, n) => ({ n })));
  });

  afterEach(async () => {
    for (const engine of engines) await engine.close();
    await server.close();
    dir.remove();
  });

  it('starts a downstream map node while its upstream still runs: upstream’s last item waits for downstream’s first request', async () => {
    const downstreamAsked = deferred();
    reply = async (prompt) => {
      if (prompt.startsWith('second')) downstreamAsked.resolve();
      // Held until `second` asks: a barrier run would never get past it.
      if (prompt === `first <${LAST}>`) await downstreamAsked.promise;
      return answer(prompt);
    };
    const engine = engineAt('data');
    const events: RunEvent[] = [];
    engine.subscribe((event) => events.push(event));
    const run = await runToEnd(engine, chainGraph(input, join(dir.path, 'out.jsonl')));
    expect(run.status).toBe('done');

    const firstDone = events.findIndex((e) => e.type === 'node-state' && e.nodeId === 'first' && e.state === 'done');
    const before = events.slice(0, firstDone);
    expect(before).toContainEqual(expect.objectContaining({ type: 'node-state', nodeId: 'second', state: 'running' }));
    // Progress while the input grows: items available, the total not known yet.
    const growing = before.filter((e) => e.type === 'node-progress' && e.nodeId === 'second' && e.total === null);
    expect(growing.length).toBeGreaterThan(0);
    expect(growing.every((e) => e.type === 'node-progress' && e.available > 0 && e.available < ITEMS)).toBe(true);
    const last = events.filter((e) => e.type === 'node-progress' && e.nodeId === 'second').at(-1);
    expect(last).toMatchObject({ done: ITEMS - 2, available: ITEMS - 1, total: ITEMS - 1, failed: 1 });
  });

  it('stores what a barrier run stores: node keys, item keys, outputs in order, item errors by seq', async () => {
    const graph = chainGraph(input, join(dir.path, 'out.jsonl'));
    const nodes = ['src', 'first', 'keep', 'second'];
    const streaming = await runToEnd(engineAt('streaming'), graph, { execution: 'streaming' });
    const barrier = await runToEnd(engineAt('barrier'), graph, { execution: 'barrier' });
    expect([streaming.status, barrier.status]).toEqual(['done', 'done']);
    const [a, b] = [await runFingerprint(engines[0]!, streaming, nodes), await runFingerprint(engines[1]!, barrier, nodes)];
    expect(a).toEqual(b);
    expect(a.second!.errors.map((e) => e.seq)).toEqual([6]); // n = 7, after `keep` dropped n = 3
    expect(a.second!.outputs.items).toHaveLength(ITEMS - 2);
    const keys = itemKeys(join(dir.path, 'streaming'));
    expect(keys.length).toBeGreaterThanOrEqual(3 * ITEMS - 3);
    expect(keys).toEqual(itemKeys(join(dir.path, 'barrier')));
  });

  it('skips a downstream node whose streamed upstream fails its error ratio, keeping the items it finished', async () => {
    const downstreamAnswered = deferred();
    const junk = 5;
    reply = async (prompt) => {
      if (prompt === `first <${junk}>`) return 'junk';
      if (prompt === `first <${LAST}>`) await downstreamAnswered.promise;
      const text = await answer(prompt);
      if (prompt.startsWith('second')) setImmediate(downstreamAnswered.resolve);
      return text;
    };
    const engine = engineAt('data');
    const graph = chainGraph(input, join(dir.path, 'out.jsonl'), { firstJson: true, firstMaxErrorRatio: 0 });
    const failed = await runToEnd(engine, graph);
    const states = Object.fromEntries(failed.nodes.map((n) => [n.nodeId, n.state]));
    expect(states).toEqual({ src: 'done', first: 'failed', keep: 'skipped', second: 'skipped', out: 'skipped' });
    const askedBefore = server.requests.filter((r) => promptOf(r).startsWith('second')).map(promptOf);
    expect(askedBefore.length).toBeGreaterThan(0);

    reply = answer; // the junk item now answers, so `first` passes
    const again = await runToEnd(engine, graph);
    expect(again.status).toBe('done');
    const second = again.nodes.find((n) => n.nodeId === 'second')!;
    // Every item `second` finished in the failed run comes from the item cache (the failed one, n = 7, is retried).
    const answeredBefore = new Set(askedBefore.filter((p) => p !== 'second <7>'));
    expect(second.itemsCached).toBe(answeredBefore.size);
  });

  it('cancels mid-stream, then resumes from every item either node finished', async () => {
    const held = deferred();
    reply = async (prompt) => {
      if (prompt === `first <${LAST}>`) await held.promise;
      return answer(prompt);
    };
    const engine = engineAt('data');
    const graph = chainGraph(input, join(dir.path, 'out.jsonl'));
    const { runId } = await engine.startRun({ graph });
    await until(() => server.requests.filter((r) => promptOf(r).startsWith('second')).length >= 3, 'second asking while first runs');
    await engine.cancelRun(runId);
    expect(await engine.waitForRun(runId)).toBe('cancelled');
    const cancelled = await engine.getRun(runId);
    const node = (run: typeof cancelled, id: string) => run.nodes.find((n) => n.nodeId === id)!;
    expect([node(cancelled, 'first').state, node(cancelled, 'second').state]).toEqual(['cancelled', 'cancelled']);
    expect(node(cancelled, 'second').itemsDone).toBeGreaterThan(0);
    held.resolve();

    const resumed = await runToEnd(engine, graph);
    expect(resumed.status).toBe('done');
    // Exactly the items each node finished before the cancel come from the item cache.
    expect(node(resumed, 'first').itemsCached).toBe(node(cancelled, 'first').itemsDone);
    expect(node(resumed, 'second').itemsCached).toBe(node(cancelled, 'second').itemsDone);
  });

  it('runs --until and --from over streamed stages as a barrier run would', async () => {
    const engine = engineAt('data');
    const graph = chainGraph(input, join(dir.path, 'out.jsonl'));
    const untilKeep = await runToEnd(engine, graph, { until: 'keep' });
    expect(untilKeep.nodes.map((n) => [n.nodeId, n.state])).toEqual([
      ['src', 'done'],
      ['first', 'done'],
      ['keep', 'done'],
    ]);
    const asked = server.requests.length;
    const fromSecond = await runToEnd(engine, graph, { from: 'second' });
    expect(Object.fromEntries(fromSecond.nodes.map((n) => [n.nodeId, n.state]))).toEqual({
      src: 'cached',
      first: 'cached',
      keep: 'cached',
      second: 'done',
      out: 'done',
    });
    expect(server.requests.slice(asked).map(promptOf).every((p) => p.startsWith('second'))).toBe(true);
  });

  it('resumes a CLI run killed with kill -9 mid-stream, asking only for the items neither node finished', async () => {
    const released = deferred();
    const answered: string[] = [];
    reply = async (prompt) => {
      if (prompt === `first <${LAST}>`) {
        await released.promise; // never answered: the process is killed while it waits
        throw new Error('released at teardown');
      }
      answered.push(prompt);
      return JSON.stringify({ v: numberIn(prompt) });
    };
    const graphPath = join(dir.path, 'graph.rewatch.json');
    writeFileSync(graphPath, graphFileText(chainGraph(input, join(dir.path, 'out.jsonl'))));
    const providersPath = join(dir.path, 'providers.json');
    writeFileSync(providersPath, JSON.stringify({ providers: [{ name: 'test-llm', baseURL: server.baseURL, model: 'm', timeoutMs: 600_000 }] }));
    const setup = { graphPath, providersPath, dataDir: join(dir.path, 'data') };
    const { dataDir } = setup;
    const cli = () => startRunProcess(setup, 'unused');
    try {
      const killed = cli();
      // Every item but the held one, through both LLM nodes (`keep` drops n = 3), answered and committed.
      const expected = 2 * (ITEMS - 1) - 1;
      const committed = () =>
        storeQuery(dataDir, (db) => db.prepare("SELECT count(*) FROM item_outputs WHERE node_type = 'core.llm-map'").pluck().get() as number) ?? 0;
      await until(() => answered.length === expected && committed() === expected, () => `${answered.length} answered, ${committed()} committed`);
      killed.child.kill('SIGKILL');
      expect(await killed.exited).toBe(-1);

      released.resolve();
      reply = async (prompt) => JSON.stringify({ v: numberIn(prompt) });
      const asked = server.requests.length;
      const resumed = cli();
      expect(await resumed.exited, resumed.output()).toBe(0);
      expect(server.requests.slice(asked).map(promptOf).sort()).toEqual([`first <${LAST}>`, `second <${LAST}>`]);
    } finally {
      released.resolve();
    }
  });
});
