/**
 * LLM fan-out: N items through `core.llm-map` (concurrency 64) against the scripted OpenAI-compatible server with
 * a fixed latency. With 64 requests always in flight the ideal rate is 64 / latency; efficiency is how close the
 * engine gets to it.
 */
import { profile } from '../test/support/engine-fixture.ts';
import { startScriptedLlmServer } from '../test/support/scripted-llm-server.ts';
import { atLeast, chainGraph, fmt, openEngine, printTable, runGraph, scaled, withTempDir, writeJsonl, type BenchResult } from './support.ts';

const CONCURRENCY = 64;
const LATENCY_MS = 50;

export async function llmFanout(): Promise<BenchResult> {
  const items = scaled(20_000);
  const server = await startScriptedLlmServer({ respond: () => 'ok', latencyMs: LATENCY_MS, recordRequests: false });
  try {
    return await withTempDir(async (dir) => {
      const input = writeJsonl(`${dir}/items.jsonl`, items, (n) => ({ n }));
      const engine = openEngine(`${dir}/data`, [
        profile('bench-llm', server.baseURL, { maxConcurrency: CONCURRENCY, timeoutMs: 30_000 }),
      ]);
      try {
        const run = await runGraph(
          engine,
          chainGraph('bench-llm-fanout', [
            { id: 'src', type: 'core.jsonl-source', config: { path: input } },
            { id: 'ask', type: 'core.llm-map', config: { provider: 'bench-llm', prompt: 'Say {{n}}.', concurrency: CONCURRENCY } },
          ]),
        );
        const ask = run.node('ask');
        if (ask.llmCalls !== items) throw new Error(`expected ${items} LLM calls, got ${ask.llmCalls}`);
        const idealRate = CONCURRENCY / (LATENCY_MS / 1000);
        const achievedRate = items / (ask.durationMs / 1000);
        const efficiency = achievedRate / idealRate;
        printTable(`LLM fan-out — ${fmt.int(items)} items, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms server latency`, [
          ['llm-map node duration', fmt.ms(ask.durationMs), 'node durationMs from getRun'],
          ['run wall clock', fmt.ms(run.wallMs), 'startRun → waitForRun, source included'],
          ['ideal duration', fmt.ms((items / idealRate) * 1000)],
          ['achieved rate', fmt.rate(achievedRate)],
          ['ideal rate', fmt.rate(idealRate), `${CONCURRENCY} / ${LATENCY_MS} ms`],
          ['max requests in flight', fmt.int(server.maxInFlight), 'seen by the server'],
          ['efficiency', fmt.ratio(efficiency), 'target ≥ 0.95'],
        ]);
        return { name: 'llm-fanout', metric: 'efficiency (achieved / ideal rate)', value: efficiency, display: fmt.ratio(efficiency), target: atLeast(0.95) };
      } finally {
        await engine.close();
      }
    });
  } finally {
    await server.close();
  }
}
