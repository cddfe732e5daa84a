/**
 * LLM fan-out: N items through `core.llm-map` (concurrency 64) against the scripted OpenAI-compatible server with
 * a fixed latency. With 64 requests always in flight the ideal rate is 64 / latency; efficiency is how close the
 * engine gets to it. The server runs in a child process, like the real model server. The same run measures two
 * plain clients on the same server at the same concurrency, with no engine: the bare OpenAI SDK and a bare undici
 * Pool; the faster of them is what this machine allows a client, and the engine is held to 0.9 of it.
 */
import OpenAI from 'openai';
import { Pool } from 'undici';
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

/** A plain client: sends the chat completion asking to say `n` and reads its reply. */
type PlainClient = (n: number) => Promise<unknown>;

function bareSdk(baseURL: string): PlainClient {
  const openai = new OpenAI({ baseURL, apiKey: 'EMPTY', maxRetries: 0, timeout: TIMEOUT_MS });
  return (n) => openai.chat.completions.create({ model: 'scripted-model', temperature: 0, messages: [{ role: 'user', content: `Say ${n}.` }] });
}

function bareUndiciPool(baseURL: string): PlainClient {
  const url = new URL(`${baseURL}/chat/completions`);
  const pool = new Pool(url.origin, { connections: CONCURRENCY });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer EMPTY' };
  return async (n) => {
    const body = JSON.stringify({ model: 'scripted-model', temperature: 0, messages: [{ role: 'user', content: `Say ${n}.` }] });
    const response = await pool.request({ method: 'POST', path: url.pathname, headers, body });
    const reply = (await response.body.json()) as { choices?: unknown[] };
    if (response.statusCode !== 200 || !reply.choices?.length) throw new Error(`undici pool: HTTP ${response.statusCode}`);
    return reply;
  };
}

/** `count` requests through `client`, `CONCURRENCY` at a time; returns the milliseconds taken. */
async function drive(client: PlainClient, count: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < count; n = next++) await client(n);
  };
  return (await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)))).ms;
}

export async function llmFanout(): Promise<BenchResult> {
  const items = scaled(20_000);
  const server = startTsxChild('bench/llm-server-child.ts', [String(LATENCY_MS)]);
  try {
    const { baseURL } = await server.nextJson<{ baseURL: string }>();
    const sdk = bareSdk(baseURL);
    const pool = bareUndiciPool(baseURL);
    // Warm-up: connections and JIT, for every side.
    for (const client of [sdk, pool]) await drive(client, Math.min(items, 1000));
    const sdkMs = await drive(sdk, items);
    const poolMs = await drive(pool, items);
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
    const poolRate = items / (poolMs / 1000);
    const best = poolRate >= sdkRate ? { name: 'undici Pool', rate: poolRate } : { name: 'OpenAI SDK', rate: sdkRate };
    const efficiency = achievedRate / idealRate;
    const ofBest = achievedRate / best.rate;
    printTable(`LLM fan-out — ${fmt.int(items)} items, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms server latency`, [
      ['llm-map node duration', fmt.ms(ask.durationMs), 'node durationMs from getRun'],
      ['run wall clock', fmt.ms(run.wallMs), 'startRun → waitForRun, source included'],
      ['ideal duration', fmt.ms((items / idealRate) * 1000), `${fmt.int(items)} × ${LATENCY_MS} ms / ${CONCURRENCY}`],
      ['ideal rate', fmt.rate(idealRate)],
      ['achieved rate', fmt.rate(achievedRate)],
      ['max requests in flight', fmt.int(maxInFlight), 'seen by the server'],
      ['efficiency', fmt.ratio(efficiency), 'achieved / ideal'],
      ['bare OpenAI SDK rate', fmt.rate(sdkRate), `same server and concurrency, no engine (${fmt.ms(sdkMs)})`],
      ['bare SDK efficiency', fmt.ratio(sdkRate / idealRate), 'its rate / ideal'],
      ['bare undici Pool rate', fmt.rate(poolRate), `same server and concurrency, no engine (${fmt.ms(poolMs)})`],
      ['bare undici Pool efficiency', fmt.ratio(poolRate / idealRate), 'its rate / ideal'],
      ['engine / bare SDK', fmt.ratio(achievedRate / sdkRate)],
      ['engine / bare undici Pool', fmt.ratio(achievedRate / poolRate)],
      ['engine / best plain client', fmt.ratio(ofBest), `best: ${best.name}; target ≥ 0.9`],
    ]);
    return {
      name: 'llm-fanout',
      metric: `engine rate / best plain client's (${best.name}); ${fmt.ratio(efficiency)} of ideal`,
      value: ofBest,
      display: fmt.ratio(ofBest),
      target: atLeast(0.9),
    };
  } finally {
    server.process.kill();
  }
}
