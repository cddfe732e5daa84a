import OpenAI from 'openai';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
const child = spawn(process.execPath, ['scripts/rewatch-tsx.mjs', 'bench/llm-server-child.ts', '50'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const { baseURL } = JSON.parse((await lines.next()).value);
const openai = new OpenAI({ baseURL, apiKey: 'x', maxRetries: 0 });
const N = Number(process.argv[2] ?? 2000);
let next = 0;
const t0 = performance.now(); const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: 64 }, async () => {
  while (next < N) { const n = next++; await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `Say ${n}` }] }); }
}));
const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
console.log(`${N} in ${ms.toFixed(0)} ms → ${(N / ms * 1000).toFixed(0)}/s, efficiency ${(N / ms * 1000 / 1280).toFixed(3)}, cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/req`);
child.stdin!.end();
console.log((await lines.next()).value);
