/**
 * Sample runs over the HTTP API (the editor's typed client against the real engine and server): a run on N items of
 * each source, chosen by a seed, whose item results a later full run reuses, marked as a sample in history.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { ApiError, type EngineApi, type RunDetail, type RunEvent, type RunRequest } from '../../main/api/contract.ts';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { createApiServer, type RunningServer } from '../../main/server/index.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { defineOnceNode, RecordType } from '../../nodes/sdk/index.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { openEngine, profile, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { generateVideo } from '../support/videos.ts';

/** A deterministic once-node downstream: how many items reached it. */
const countItems = defineOnceNode({
  type: 'test.count-items',
  version: 1,
  title: 'Count items',
  category: 'Test',
  description: 'One record with the number of items received.',
  inputs: { items: { type: RecordType, description: 'Any records.' } },
  outputs: { count: { type: RecordType, description: '{items: N}' } },
  config: z.object({}),
  async execute(_ctx, { items }) {
    return { count: [{ items: items.count }] };
  },
});

const ITEMS = 12;

const graph = (input: string): GraphFile => ({
  format: 'rewatch-studio/graph',
  version: 1,
  name: 'sampled',
  nodes: [
    { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
    { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 200, y: 0 }, config: { provider: 'test-llm', prompt: 'Number {{n}}' } },
    { id: 'count', type: 'test.count-items', typeVersion: 1, position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } },
    { id: 'e2', from: { node: 'ask', port: 'items' }, to: { node: 'count', port: 'items' } },
  ],
});

let dir: ReturnType<typeof tempDir>;
let llm: ScriptedLlmServer;
let engine: Engine;
let server: RunningServer;
let client: EngineApi;
let input: string;

beforeAll(async () => {
  dir = tempDir();
  llm = await startScriptedLlmServer({ respond: () => 'ok' });
  engine = openEngine(join(dir.path, 'data'), [profile('test-llm', llm.baseURL)], new NodeCatalog([...nodeDefinitions, countItems]));
  server = await createApiServer({ engine, token: 'sample-token', resolveMedia: () => undefined }).listen();
  client = createHttpEngineClient({ baseUrl: server.url, token: 'sample-token', WebSocket });
  input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: ITEMS }, (_, n) => ({ n, text: `item ${n}` })));
});

afterAll(async () => {
  await server?.close();
  await engine?.close();
  await llm?.close();
  dir?.remove();
});

/** Starts a run through the API and waits for its end (the engine in this process says when). */
async function run(request: Omit<RunRequest, 'graph'>): Promise<RunDetail> {
  const { runId } = await client.startRun({ graph: graph(input), ...request });
  await engine.waitForRun(runId);
  return client.getRun(runId);
}

const node = (detail: RunDetail, id: string) => detail.nodes.find((n) => n.nodeId === id)!;
const ns = async (runId: string, nodeId: string, port: string) =>
  (await client.nodeOutput(runId, nodeId, port, { limit: 100 })).items.map((i) => (i.data as { n: number }).n);
const asked = (from = 0) => llm.requests.slice(from).map((r) => Number(/Number (\d+)/.exec(String(r.messages.at(-1)!.content))![1]));

describe('sample runs', () => {
  it('choose the same items for the same seed and others for another, in their original order', async () => {
    const first = await run({ until: 'src', sample: { n: 4, seed: 1 } });
    const again = await run({ until: 'src', sample: { n: 4, seed: 1 } });
    const other = await run({ until: 'src', sample: { n: 4, seed: 2 } });
    const chosen = await ns(first.runId, 'src', 'items');
    expect(chosen).toHaveLength(4);
    expect(chosen).toEqual([...chosen].sort((a, b) => a - b));
    expect(new Set(chosen).size).toBe(4);
    expect(await ns(again.runId, 'src', 'items')).toEqual(chosen);
    expect(await ns(other.runId, 'src', 'items')).not.toEqual(chosen);
    expect(node(first, 'src').outputCounts).toEqual({ items: 4 });
    // The sample is stored on its own; the source's own key still names its whole output.
    const stored = engine.store.runs.outputKey(first.runId, 'src')!;
    expect(stored).not.toBe(node(first, 'src').nodeKey);
    expect(engine.store.outputs.get(node(first, 'src').nodeKey!)!.ports.items!.count).toBe(ITEMS);
    expect(llm.requests).toHaveLength(0);
  });

  it('runs downstream nodes on the sample, and the next full run asks only for the items not sampled', async () => {
    const sample = await run({ sample: { n: 4, seed: 7 } });
    expect(sample.status).toBe('done');
    const chosen = await ns(sample.runId, 'src', 'items');
    expect(asked().sort((a, b) => a - b)).toEqual(chosen);
    expect(await ns(sample.runId, 'ask', 'items')).toEqual(chosen);
    expect((await client.nodeOutput(sample.runId, 'count', 'count', {})).items[0]!.data).toEqual({ items: 4 });

    const sent = llm.requests.length;
    const full = await run({});
    expect(full.status).toBe('done');
    const rest = Array.from({ length: ITEMS }, (_, n) => n).filter((n) => !chosen.includes(n));
    expect(asked(sent).sort((a, b) => a - b)).toEqual(rest);
    expect(node(full, 'ask')).toMatchObject({ itemsCached: 4, itemsTotal: ITEMS });
    expect(await ns(full.runId, 'ask', 'items')).toEqual(Array.from({ length: ITEMS }, (_, n) => n));
    // The once-node downstream is keyed by its (sampled) input: the full run computes its own, never the sample's.
    expect(node(full, 'count').state).toBe('done');
    expect(node(full, 'count').nodeKey).not.toBe(node(sample, 'count').nodeKey);
    expect((await client.nodeOutput(full.runId, 'count', 'count', {})).items[0]!.data).toEqual({ items: ITEMS });

    // Repeating either takes everything from the cache, each with its own result.
    const sampleAgain = await run({ sample: { n: 4, seed: 7 } });
    const fullAgain = await run({});
    expect(llm.requests).toHaveLength(sent + rest.length);
    expect(node(sampleAgain, 'count').state).toBe('cached');
    expect((await client.nodeOutput(sampleAgain.runId, 'count', 'count', {})).items[0]!.data).toEqual({ items: 4 });
    expect(node(fullAgain, 'count').state).toBe('cached');
    expect((await client.nodeOutput(fullAgain.runId, 'count', 'count', {})).items[0]!.data).toEqual({ items: ITEMS });
  });

  it('combines with --until: a node and what it needs, on the sample', async () => {
    const sent = llm.requests.length;
    const tried = await run({ until: 'ask', sample: { n: 3, seed: 11 } });
    expect(tried.nodes.map((n) => n.nodeId)).toEqual(['src', 'ask']);
    const chosen = await ns(tried.runId, 'src', 'items');
    expect(chosen).toHaveLength(3);
    expect(await ns(tried.runId, 'ask', 'items')).toEqual(chosen);
    // Every item was answered by the full run before: nothing is asked again.
    expect(node(tried, 'ask')).toMatchObject({ itemsCached: 3, itemsTotal: 3 });
    expect(llm.requests).toHaveLength(sent);
  });

  it('combines with --from: upstream comes from the same sample’s cache', async () => {
    const sent = llm.requests.length;
    const again = await run({ from: 'count', sample: { n: 4, seed: 7 } });
    expect(again.nodes.map((n) => [n.nodeId, n.state])).toEqual([['src', 'cached'], ['ask', 'cached'], ['count', 'cached']]);
    expect((await client.nodeOutput(again.runId, 'count', 'count', {})).items[0]!.data).toEqual({ items: 4 });
    const unseen = await run({ from: 'count', sample: { n: 4, seed: 8 } });
    expect(node(unseen, 'ask')).toMatchObject({ state: 'failed', error: expect.stringContaining('"ask" has no cached output') });
    expect(llm.requests).toHaveLength(sent);
  });

  it('marks sample runs in their run-started event, the run list and detail, and full runs not', async () => {
    const started: RunEvent[] = [];
    const stop = engine.subscribe((event) => event.type === 'run-started' && started.push(event));
    const sample = await run({ until: 'src', sample: { n: 5 } });
    const full = await run({ until: 'src' });
    stop();
    expect(started.map((event) => [event.runId, 'sample' in event ? event.sample : 'full'])).toEqual([
      [sample.runId, { n: 5, seed: 0 }],
      [full.runId, 'full'],
    ]);
    expect(sample.sample).toEqual({ n: 5, seed: 0 });
    expect(full.sample).toBeUndefined();
    const listed = await client.listRuns();
    expect(listed.find((r) => r.runId === sample.runId)!.sample).toEqual({ n: 5, seed: 0 });
    expect(listed.find((r) => r.runId === full.runId)).not.toHaveProperty('sample');
  });

  it('samples each output port of a video source', async () => {
    const folder = join(dir.path, 'videos');
    mkdirSync(folder);
    const colours = ['red', 'green', 'blue', 'white', 'black'];
    for (const c of colours) generateVideo(join(folder, `${c}.mp4`), { scenes: [{ source: `color=c=${c}`, seconds: 1 }], width: 32, height: 24, fps: 2 });
    for (const n of [1, 2, 3]) writeFileSync(join(folder, `broken-${n}.mp4`), `not a video (${n})`);
    const videos: GraphFile = {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'videos',
      nodes: [{ id: 'videos', type: 'rewatch.video-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { folder } }],
      edges: [],
    };
    const { runId } = await client.startRun({ graph: videos, sample: { n: 2, seed: 5 } });
    await engine.waitForRun(runId);
    const detail = await client.getRun(runId);
    expect(detail.nodes[0]).toMatchObject({ state: 'done', outputCounts: { videos: 2, rejected: 2 } });
    const paths = (await client.nodeOutput(runId, 'videos', 'videos', {})).items.map((i) => basename((i.data as { path: string }).path));
    expect(paths).toEqual([...paths].sort());
    expect(paths.every((p) => colours.includes(p.replace('.mp4', '')))).toBe(true);
  });

  it('refuses a sample size that is not a positive integer, or a negative seed, saying which', async () => {
    const refusal = (sample: unknown) =>
      client.startRun({ graph: graph(input), sample: sample as RunRequest['sample'] }).then(
        () => undefined,
        (error: unknown) => error as ApiError,
      );
    for (const n of [0, -2, 1.5, '3']) {
      const error = await refusal({ n });
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, message: `sample.n: the sample size must be a positive integer, got ${JSON.stringify(n)}` });
    }
    expect(await refusal({ n: 2, seed: -1 })).toMatchObject({ status: 400, message: 'sample.seed: the sample seed must be a non-negative integer, got -1' });
    // In process (the CLI's way in) the engine checks the same.
    await expect(engine.startRun({ graph: graph(input), sample: { n: 0 } })).rejects.toThrow('sample.n: the sample size must be a positive integer, got 0');
  });
});
