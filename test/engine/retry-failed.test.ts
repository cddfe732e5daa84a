/**
 * "Retry failed items": a node whose items failed on the model's reply re-runs those items only, and their requests
 * reach the model again instead of the LLM request cache's earlier reply; nothing else is asked again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { parseReply } from '../support/parse-reply-node.ts';
import { openEngine, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';

const graph = (input: string): GraphFile => ({
  format: 'rewatch-studio/graph',
  version: 1,
  name: 'retry',
  nodes: [
    { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
    { id: 'parse', type: 'test.parse-reply', typeVersion: 1, position: { x: 200, y: 0 }, config: { provider: 'test-llm' } },
    { id: 'again', type: 'test.parse-reply', typeVersion: 1, position: { x: 400, y: 0 }, config: { provider: 'test-llm' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'parse', port: 'items' } },
    { id: 'e2', from: { node: 'src', port: 'items' }, to: { node: 'again', port: 'items' } },
  ],
});

let dir: ReturnType<typeof tempDir>;
let server: ScriptedLlmServer;
let broken = true;
const asked = () => server.requests.map((r) => String(r.messages.at(-1)!.content));

beforeAll(async () => {
  dir = tempDir();
  // Multiples of 3 get prose instead of JSON until the server is fixed.
  server = await startScriptedLlmServer({
    respond: ({ messages }) => {
      const n = Number(/Number (\d+)/.exec(String(messages.at(-1)!.content))![1]);
      return broken && n % 3 === 0 ? `Sure! n is ${n}.` : `{"n": ${n}}`;
    },
  });
});

afterAll(async () => {
  await server?.close();
  dir?.remove();
});

describe('retry failed items', () => {
  it('asks the model again for the failed items of that node only, and they turn done', async () => {
    const input = writeJsonl(join(dir.path, 'in.jsonl'), [1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    const engine = openEngine(join(dir.path, 'data'), [profile('test-llm', server.baseURL)], new NodeCatalog([...nodeDefinitions, parseReply]));
    try {
      const first = await runToEnd(engine, graph(input));
      expect(first.nodes.find((n) => n.nodeId === 'parse')).toMatchObject({ state: 'failed', itemsFailed: 2 });
      const errors = await engine.nodeErrors(first.runId, 'parse', {});
      expect(errors.errors.map((e) => [e.seq, e.raw])).toEqual([[2, 'Sure! n is 3.'], [5, 'Sure! n is 6.']]);
      expect(errors.errors[0]).toMatchObject({ input: { n: 3 }, message: expect.stringContaining('the reply is not JSON') });
      expect(errors.errors[0]!.calls).toEqual([expect.objectContaining({ profile: 'test-llm', attempts: 1, cached: false, error: null })]);
      const searched = await engine.nodeErrors(first.runId, 'parse', { search: 'N IS 6' });
      expect(searched).toMatchObject({ total: 1, errors: [{ seq: 5, input: { n: 6 } }] });
      expect((await engine.nodeErrors(first.runId, 'parse', { offset: 1, limit: 1 })).errors.map((e) => e.seq)).toEqual([5]);

      broken = false;
      // A plain re-run takes the cached replies: the same items fail again and the model is not asked.
      const sent = server.requests.length;
      const plain = await runToEnd(engine, graph(input), { until: 'parse' });
      expect(plain.nodes.find((n) => n.nodeId === 'parse')).toMatchObject({ state: 'failed', itemsFailed: 2 });
      expect(server.requests.length).toBe(sent);
      const fromCache = await engine.nodeErrors(plain.runId, 'parse', {});
      expect(fromCache.errors.map((e) => e.calls.map((c) => c.cached))).toEqual([[true], [true]]);

      const retried = await runToEnd(engine, graph(input), { retryFailed: { nodeId: 'parse' } });
      expect(retried.status).toBe('done');
      expect(retried.nodes.find((n) => n.nodeId === 'parse')).toMatchObject({ state: 'done', itemsFailed: 0, itemsCached: 4 });
      expect(retried.nodes.some((n) => n.nodeId === 'again')).toBe(false);
      expect(asked().slice(sent).sort()).toEqual(['Number 3', 'Number 6']);
    } finally {
      await engine.close();
    }
  });

  it('refuses a node that is not a map node or not in the graph, naming it', async () => {
    const input = writeJsonl(join(dir.path, 'in2.jsonl'), [{ n: 1 }]);
    const engine = openEngine(join(dir.path, 'data2'), [profile('test-llm', server.baseURL)], new NodeCatalog([...nodeDefinitions, parseReply]));
    try {
      await expect(engine.startRun({ graph: graph(input), retryFailed: { nodeId: 'src' } })).rejects.toThrow(/"src" \(core.jsonl-source\) is not a map node/);
      await expect(engine.startRun({ graph: graph(input), retryFailed: { nodeId: 'nope' } })).rejects.toThrow(/nope/);
    } finally {
      await engine.close();
    }
  });
});
