/**
 * JSON repairs are counted per node: a reply that fails its schema and is asked for again shows in the node's totals,
 * in the run history and in the CLI summary's "json repairs" column.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSummary } from '../../main/cli/format.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { openEngine, pipelineGraph, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';

let dir: ReturnType<typeof tempDir>;
let server: ScriptedLlmServer;

beforeAll(async () => {
  dir = tempDir();
  // Odd numbers first get a reply with the wrong type, then the right one when asked to repair it.
  server = await startScriptedLlmServer({
    respond: ({ messages }) => {
      const text = messages.map((m) => String(m.content)).join('\n');
      const n = Number(/number (\d+)/.exec(text)?.[1]);
      const repairing = messages.length > 1;
      return n % 2 === 1 && !repairing ? `{"n": "${n}"}` : `{"n": ${n}}`;
    },
  });
});

afterAll(async () => {
  await server?.close();
  dir?.remove();
});

describe('JSON repairs per node', () => {
  it('counts each repair request against the node that made it', async () => {
    const input = writeJsonl(join(dir.path, 'in.jsonl'), [1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    const base = pipelineGraph(input, join(dir.path, 'out.jsonl'));
    const graph: GraphFile = {
      ...base,
      nodes: base.nodes.map((n) =>
        n.id === 'ask'
          ? { ...n, config: { ...n.config, jsonSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } } }
          : n,
      ),
    };
    const engine = openEngine(join(dir.path, 'data'), [profile('test-llm', server.baseURL)]);
    try {
      const run = await runToEnd(engine, graph);
      expect(run.status).toBe('done');
      const ask = run.nodes.find((n) => n.nodeId === 'ask')!;
      // 3 odd numbers: 6 first requests + 3 repairs reached the server.
      expect(server.requests).toHaveLength(9);
      expect(ask).toMatchObject({ llmCalls: 9, llmRepairs: 3 });
      expect(run.totals.llmRepairs).toBe(3);
      const summary = runSummary(run.nodes, run.totals, run.status);
      expect(summary.split('\n')[0]).toContain('json repairs');
      // Every request carried the schema as response_format.
      expect(server.requests.every((r) => (r.body.response_format as { type?: string } | undefined)?.type === 'json_schema')).toBe(true);

      const again = await runToEnd(engine, graph);
      expect(again.nodes.find((n) => n.nodeId === 'ask')).toMatchObject({ llmRepairs: 0 });
      expect(server.requests).toHaveLength(9);
    } finally {
      await engine.close();
    }
  });
});
