import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../main/graph/format.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';

function askGraph(input: string, askConfig: Record<string, unknown>): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'faults',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 1, y: 0 }, config: { provider: 'flaky', ...askConfig } },
    ],
    edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } }],
  };
}

describe('a faulty model server', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('completes the run with every item either done or carrying an explicit error', async () => {
    server = await startScriptedLlmServer({
      respond: (r) => `answer to ${String(r.messages.at(-1)?.content)}`,
      faults: { rate429: 0.2, retryAfterMs: 20, rate500: 0.1, rateHang: 0.05, rateMalformed: 0.1, seed: 7 },
    });
    engine = openEngine(join(dir.path, 'data'), [profile('flaky', server.baseURL, { timeoutMs: 300, maxRetries: 3 })]);
    const input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: 150 }, (_, n) => ({ n })));
    const run = await runToEnd(engine, askGraph(input, { prompt: 'item {{n}}', maxErrorRatio: 0.5, concurrency: 16 }));

    expect(run.status).toBe('done');
    const faults = server.requests.filter((r) => r.fault);
    expect(new Set(faults.map((r) => r.fault))).toEqual(new Set(['429', '500', 'hang', 'malformed']));
    const ask = run.nodes.find((n) => n.nodeId === 'ask')!;
    const output = await engine.nodeOutput(run.runId, 'ask', 'items', { limit: 1000 });
    const errors = await engine.nodeErrors(run.runId, 'ask', { limit: 1000 });
    expect(output.total + errors.total).toBe(150);
    expect(ask.itemsFailed).toBe(errors.total);
    for (const item of output.items) {
      const { n, output: text } = item.data as { n: number; output: string };
      expect(text).toBe(`answer to item ${n}`);
    }
    for (const error of errors.errors) expect(error.message).toMatch(/flaky|attempt|timed out|status/i);
    const done = new Set(output.items.map((i) => (i.data as { n: number }).n));
    for (const error of errors.errors) expect(done.has(error.seq)).toBe(false);
  });

  it('fails the node past its error ratio and retries the failed items on the next run', async () => {
    let broken = true;
    server = await startScriptedLlmServer({
      respond: (r) => {
        const prompt = String(r.messages.at(-1)?.content);
        if (broken && /item [0-4]$/.test(prompt)) throw new Error('model crashed');
        return 'fine';
      },
    });
    engine = openEngine(join(dir.path, 'data'), [profile('flaky', server.baseURL, { maxRetries: 0 })]);
    const input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: 20 }, (_, n) => ({ n })));
    const graph = askGraph(input, { prompt: 'item {{n}}', maxErrorRatio: 0.1 });

    const first = await runToEnd(engine, graph);
    expect(first.status).toBe('failed');
    const failedNode = first.nodes.find((n) => n.nodeId === 'ask')!;
    expect(failedNode.state).toBe('failed');
    expect(failedNode.error).toMatch(/5 of 20 items failed/);
    expect((await engine.nodeErrors(first.runId, 'ask', {})).errors.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);

    broken = false;
    const requestsBefore = server.requests.length;
    const second = await runToEnd(engine, graph);
    expect(second.status).toBe('done');
    expect(server.requests.length - requestsBefore).toBe(5);
    expect(second.nodes.find((n) => n.nodeId === 'ask')).toMatchObject({ itemsCached: 15, itemsFailed: 0 });
  });

  it('turns a reply that is not the requested JSON into an item error holding the raw text', async () => {
    server = await startScriptedLlmServer({
      respond: (r) => {
        const prompt = String(r.messages.find((m) => m.role === 'user')?.content);
        return prompt.endsWith('3') ? 'Sorry, I cannot answer in JSON.' : '```json\n{"label": "ok"}\n```';
      },
    });
    engine = openEngine(join(dir.path, 'data'), [profile('flaky', server.baseURL)]);
    const input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: 5 }, (_, n) => ({ n })));
    const schema = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] };
    const run = await runToEnd(engine, askGraph(input, { prompt: 'item {{n}}', jsonSchema: schema, maxErrorRatio: 0.5 }));

    expect(run.status).toBe('done');
    const output = await engine.nodeOutput(run.runId, 'ask', 'items', {});
    expect(output.items.map((i) => i.data)).toEqual([0, 1, 2, 4].map((n) => ({ n, output: { label: 'ok' } })));
    const { errors } = await engine.nodeErrors(run.runId, 'ask', {});
    expect(errors).toEqual([
      {
        seq: 3,
        message: expect.stringMatching(/JSON/),
        raw: 'Sorry, I cannot answer in JSON.',
        input: { n: 3 },
        // The request and the one repair request, each a call of the item, with the repair's failure.
        calls: [
          expect.objectContaining({ profile: 'flaky', repair: false, cached: false, attempts: 1 }),
          expect.objectContaining({ profile: 'flaky', repair: true, cached: false, attempts: 1, error: expect.stringMatching(/JSON/) }),
        ],
      },
    ]);
  });
});
