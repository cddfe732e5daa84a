import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * A `fetch` for the openai SDK over `node:http` with keep-alive sockets. Chat completions are small,
 * non-streamed JSON exchanges, and the built-in fetch's stream machinery costs several times more CPU per request
 * than the exchange itself, which caps throughput at high concurrency (see `npm run bench`, LLM fan-out).
 */
export function keepAliveFetch(maxSockets: number): typeof fetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets }),
  };
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError());
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = send(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] });
      const onAbort = () => {
        req.destroy();
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new TypeError(`fetch failed: ${error.message}`, { cause: error }));
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new TypeError(`fetch failed: ${error.message}`, { cause: error })));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const status = res.statusCode ?? 500;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        });
      });
      req.end(typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : undefined);
    });
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}
