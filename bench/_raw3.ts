import { createServer } from 'node:http';
let conns = 0;
const server = createServer((req, res) => { req.resume(); req.on('end', () => setTimeout(() => { const b = '{"choices":[{"message":{"content":"ok"}}]}'; res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length }); res.end(b); }, 50)); });
server.on('connection', () => conns++);
server.keepAliveTimeout = 30000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(server.address() as any).port}/v1/chat/completions`;
const N = Number(process.argv[2] ?? 2000);
let next = 0;
const t0 = performance.now(); const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: 64 }, async () => {
  while (next < N) { next++; const r = await fetch(url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }); await r.text(); }
}));
const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
console.log(`fetch: ${N} in ${ms.toFixed(0)} ms → ${(N / ms * 1000).toFixed(0)}/s, eff ${(N / ms * 1000 / 1280).toFixed(3)}, cpu ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/req, connections ${conns}`);
server.close(); server.closeAllConnections();
