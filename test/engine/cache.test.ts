import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, pipelineGraph, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import type { Engine } from '../../main/engine/engine.ts';

const answer = (text: string) => `The number is ${/number (\d+)/.exec(text)?.[1] ?? '?'}.`;

describe('run cache', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let input: string;
  let output: string;

  beforeEach(async () => {
    dir = tempDir();
    server = await startScriptedLlmServer({ respond: (r) => answer(String(r.messages.at(-1)?.content)) });
    engine = openEngine(join(dir.path, 'data'), [profile('test-llm', server.baseURL)]);
    input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: 10 }, (_, n) => ({ n })));
    output = join(dir.path, 'out.jsonl');
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('runs the pipeline and writes the kept records', async () => {
    const run = await runToEnd(engine, pipelineGraph(input, output));
    expect(run.status).toBe('done');
    expect(server.requests).toHaveLength(10);
    const rows = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([0, 1, 2, 3, 4].map((n) => ({ n, output: `The number is ${n}.` })));
    const ask = run.nodes.find((n) => n.nodeId === 'ask')!;
    expect(ask).toMatchObject({ state: 'done', itemsTotal: 10, itemsDone: 10, llmCalls: 10, outputCounts: { items: 10 } });
    expect(ask.tokensIn).toBeGreaterThan(0);
  });

  it('makes no request on a second run of an unchanged graph', async () => {
    await runToEnd(engine, pipelineGraph(input, output));
    const second = await runToEnd(engine, pipelineGraph(input, output));
    expect(server.requests).toHaveLength(10);
    expect(second.status).toBe('done');
    expect(Object.fromEntries(second.nodes.map((n) => [n.nodeId, n.state]))).toEqual({
      src: 'cached',
      ask: 'cached',
      keep: 'cached',
      out: 'done',
    });
  });

  it('re-runs exactly the changed node and its downstream, and explain names the field', async () => {
    await runToEnd(engine, pipelineGraph(input, output));
    const changed = pipelineGraph(input, output, { threshold: 7 });
    const explanations = await engine.explain(changed);
    const byNode = Object.fromEntries(explanations.map((e) => [e.nodeId, e]));
    expect(byNode.src!.cached).toBe(true);
    expect(byNode.ask!.cached).toBe(true);
    expect(byNode.keep!.cached).toBe(false);
    expect(byNode.keep!.changes).toEqual([
      expect.objectContaining({ kind: 'config', field: 'value', message: 'config "value" changed: 5 → 7' }),
    ]);
    expect(byNode.out!.changes.map((c) => c.kind)).toContain('input');

    const second = await runToEnd(engine, changed);
    expect(server.requests).toHaveLength(10);
    expect(Object.fromEntries(second.nodes.map((n) => [n.nodeId, n.state]))).toEqual({
      src: 'cached',
      ask: 'cached',
      keep: 'done',
      out: 'done',
    });
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(7);
  });

  it('re-asks only changed items when the prompt changes for some inputs', async () => {
    await runToEnd(engine, pipelineGraph(input, output));
    writeJsonl(input, Array.from({ length: 10 }, (_, n) => ({ n: n === 9 ? 99 : n })));
    const explanation = (await engine.explain(pipelineGraph(input, output), 'src'))[0]!;
    expect(explanation.changes).toEqual([expect.objectContaining({ kind: 'fingerprint' })]);
    const second = await runToEnd(engine, pipelineGraph(input, output));
    expect(server.requests).toHaveLength(11);
    expect(second.nodes.find((n) => n.nodeId === 'ask')).toMatchObject({ state: 'done', itemsCached: 9, llmCalls: 1 });
  });

  it('explains a prompt change', async () => {
    await runToEnd(engine, pipelineGraph(input, output));
    const [ask] = await engine.explain(pipelineGraph(input, output, { prompt: 'Tell me the number {{n}}.' }), 'ask');
    expect(ask!.changes).toEqual([expect.objectContaining({ kind: 'prompt', field: 'prompt' })]);
  });
});
