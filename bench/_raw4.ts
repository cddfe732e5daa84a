import OpenAI from 'openai';
import { Agent, request } from 'node:http';
import { startTsxChild } from './support.ts';
const server = startTsxChild('bench/llm-server-child.ts', ['50']);
const { baseURL } = await server.nextJson<{ baseURL: string }>();
const N = Number(process.argv[2] ?? 5000);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const url = new URL(`${baseURL}/chat/completions`);
const viaHttp = (n: number) => new Promise<void>((resolve, reject) => {
  const body = JSON.stringify({ model: 'm', temperature: 0, messages: [{ role: 'user', content: `Say ${n}.` }] });
  const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    const chunks: Buffer[] = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => { JSON.parse(Buffer.concat(chunks).toString()); resolve(); });
  });
  req.on('error', reject); req.end(body);
});
const viaFetch = async (n: number) => { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', temperature: 0, messages: [{ role: 'user', content: `Say ${n}.` }] }) }); await r.json(); };
const openai = new OpenAI({ baseURL, apiKey: 'EMPTY', maxRetries: 0 });
const viaSdk = async (n: number) => { await openai.chat.completions.create({ model: 'm', temperature: 0, messages: [{ role: 'user', content: `Say ${n}.` }] }); };
async function measure(name: string, one: (n: number) => Promise<void>) {
  let next = 0; const t0 = performance.now(); const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: 64 }, async () => { for (let n = next++; n < N; n = next++) await one(n); }));
  const ms = performance.now() - t0; const c = process.cpuUsage(c0);
  console.log(`${name.padEnd(6)} ${(N / ms * 1000).toFixed(0)}/s eff ${(N / ms * 1000 / 1280).toFixed(3)} cpu ${((c.user + c.system) / 1000 / N).toFixed(3)} ms/req`);
}
for (let round = 0; round < 2; round++) { await measure('http', viaHttp); await measure('fetch', viaFetch); await measure('sdk', viaSdk); }
await server.stop();
