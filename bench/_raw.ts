// scratch: raw openai client throughput against the scripted server, no engine
import OpenAI from 'openai';
import { startScriptedLlmServer } from '../test/support/scripted-llm-server.ts';
const server = await startScriptedLlmServer({ respond: () => 'ok', latencyMs: 50, recordRequests: false });
const openai = new OpenAI({ baseURL: server.baseURL, apiKey: 'x', maxRetries: 0 });
const N = Number(process.argv[2] ?? 2000);
let next = 0;
const t0 = performance.now(); const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: 64 }, async () => {
  while (next < N) { const n = next++; await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `Say ${n}` }] }); }
}));
const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
console.log(`${N} in ${ms.toFixed(0)} ms → ${(N / ms * 1000).toFixed(0)}/s, efficiency ${(N / ms * 1000 / 1280).toFixed(3)}, cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/req`);
await server.close();
