// scratch experiment: replace global fetch by a node:http keep-alive shim, then run the fan-out benchmark
import { Agent, request } from 'node:http';
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
globalThis.fetch = (async (input: any, init: any = {}) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => { headers[k] = v; });
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method ?? 'GET', agent, headers, signal: init.signal }, (res) => {
      const chunks: Buffer[] = []; res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode!, headers: res.headers as any })));
      res.on('error', reject);
    });
    req.on('error', reject); req.end(init.body);
  });
}) as typeof fetch;
const { llmFanout } = await import('./llm-fanout.ts');
await llmFanout();
