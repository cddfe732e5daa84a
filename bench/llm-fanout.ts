/**
 * LLM fan-out: N items through `core.llm-map` (concurrency 64) against the scripted OpenAI-compatible server with
 * a fixed latency. With 64 requests always in flight the ideal rate is 64 / latency; efficiency is how close the
 * engine gets to it. The server runs in a child process, like the real model server; the same run also measures
 * the bare OpenAI SDK (same server, same concurrency, no engine), the ceiling this machine allows any client.
 */
import OpenAI from 'openai';
import { profile } from '../test/support/engine-fixture.ts';
import {
  atLeast,
  chainGraph,
  fmt,
  openEngine,
  printTable,
  runGraph,
  scaled,
  startTsxChild,
  timed,
  withTempDir,
  writeJsonl,
  type BenchResult,
} from './support.ts';

const CONCURRENCY = 64;
const LATENCY_MS = 50;
const TIMEOUT_MS = 30_000;

/** `count` requests through the OpenAI SDK alone, `CONCURRENCY` at a time; returns the milliseconds taken. */
async function bareSdk(baseURL: string, count: number): Promise<number> {
  const openai = new OpenAI({ baseURL, apiKey: 'EMPTY', maxRetries: 0, timeout: TIMEOUT_MS });
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < count; n = next++) {
      await openai.chat.completions.create({ model: 'scripted-model', temperature: 0, messages: [{ role: 'user', content: `Say ${n}.` }] });
    }
  };
  return (await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)))).ms;
}

export async function llmFanout(): Promise<BenchResult> {
  const items = scaled(20_000);
  const server = startTsxChild('bench/llm-server-child.ts', [String(LATENCY_MS)]);
  try {
    const { baseURL } = await server.nextJson<{ baseURL: string }>();
    await bareSdk(baseURL, Math.min(items, 1000)); // warm-up: connections and JIT, for both sides
    const sdkMs = await bareSdk(baseURL, items);
    const run = await withTempDir(async (dir) => {
      const input = writeJsonl(`${dir}/items.jsonl`, items, (n) => ({ n }));
      const engine = openEngine(`${dir}/data`, [
        profile('bench-llm', baseURL, { maxConcurrency: CONCURRENCY, timeoutMs: TIMEOUT_MS }),
      ]);
      try {
        return await runGraph(
          engine,
          chainGraph('bench-llm-fanout', [
            { id: 'src', type: 'core.jsonl-source', config: { path: input } },
            { id: 'ask', type: 'core.llm-map', config: { provider: 'bench-llm', prompt: 'Say {{n}}.', concurrency: CONCURRENCY } },
          ]),
        );
      } finally {
        await engine.close();
      }
    });
    await server.stop();
    const { maxInFlight } = await server.nextJson<{ maxInFlight: number }>();

    const ask = run.node('ask');
    if (ask.llmCalls !== items) throw new Error(`expected ${items} LLM calls, got ${ask.llmCalls}`);
    const idealRate = CONCURRENCY / (LATENCY_MS / 1000);
    const achievedRate = items / (ask.durationMs / 1000);
    const sdkRate = items / (sdkMs / 1000);
    const efficiency = achievedRate / idealRate;
    printTable(`LLM fan-out — ${fmt.int(items)} items, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms server latency`, [
      ['llm-map node duration', fmt.ms(ask.durationMs), 'node durationMs from getRun'],
      ['run wall clock', fmt.ms(run.wallMs), 'startRun → waitForRun, source included'],
      ['ideal duration', fmt.ms((items / idealRate) * 1000), `${fmt.int(items)} × ${LATENCY_MS} ms / ${CONCURRENCY}`],
      ['ideal rate', fmt.rate(idealRate)],
      ['achieved rate', fmt.rate(achievedRate)],
      ['max requests in flight', fmt.int(maxInFlight), 'seen by the server'],
      ['bare OpenAI SDK rate', fmt.rate(sdkRate), `same server and concurrency, no engine (${fmt.ms(sdkMs)})`],
      ['bare SDK efficiency', fmt.ratio(sdkRate / idealRate), "this machine's ceiling for any client"],
      ['engine / bare SDK', fmt.ratio(achievedRate / sdkRate)],
      ['efficiency', fmt.ratio(efficiency), 'achieved / ideal, target ≥ 0.95'],
    ]);
    return { name: 'llm-fanout', metric: 'efficiency (achieved / ideal rate)', value: efficiency, display: fmt.ratio(efficiency), target: atLeast(0.95) };
  } finally {
    server.process.kill();
  }
}
