/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks: answers chat completions with
 * scripted text and injects faults (429, 500, 400, hangs, malformed bodies, empty choices) from a seeded RNG.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = '429' | '500' | '400' | 'hang' | 'malformed' | 'empty';

export interface ScriptedChatRequest {
  model: string;
  messages: { role: string; content: unknown }[];
  /** The whole JSON body as sent. */
  body: Record<string, unknown>;
  authorization?: string;
}

export interface RecordedRequest extends ScriptedChatRequest {
  /** Which fault was served instead of an answer, if any. */
  fault?: Fault;
  /** `performance.now()` when the body had arrived. */
  receivedAt: number;
}

export interface FaultOptions {
  /** Probabilities per request (checked in this order; their sum should stay ≤ 1). */
  rate429?: number;
  rate500?: number;
  /** Never answer; the connection stays open until the client gives up. */
  rateHang?: number;
  /** 200 with a body that is not valid JSON. */
  rateMalformed?: number;
  /** 200 with valid JSON but no choices. */
  rateEmpty?: number;
  /** Sent as `Retry-After` on 429s. */
  retryAfterSeconds?: number;
  /** Sent as `retry-after-ms` on 429s. */
  retryAfterMs?: number;
  /** RNG seed, so a fault mix is reproducible. */
  seed?: number;
  /** Faults served, in order, to the first requests before the rates apply. */
  failFirst?: Fault[];
}

export interface ScriptedLlmServerOptions {
  /** The assistant text for a request. Throwing makes the server answer 500 with the message. */
  respond: (request: ScriptedChatRequest) => string | Promise<string>;
  /** Delay before every answer (faults included, hangs aside). */
  latencyMs?: number;
  faults?: FaultOptions;
  /** Listed by `GET /v1/models`. */
  model?: string;
  /** Keep bodies in `requests` (default true); benchmarks with many requests may turn it off. */
  recordRequests?: boolean;
}

export interface ScriptedLlmServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  /** Every chat completion POST in arrival order, faulted ones included. */
  requests: RecordedRequest[];
  /** Chat completions being handled right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** mulberry32: small, fast, deterministic. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function roughTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function contentChars(messages: ScriptedChatRequest['messages']): number {
  let chars = 0;
  for (const message of messages) {
    chars += typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content ?? '').length;
  }
  return chars;
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // The client went away before sending the whole body (no-op once 'end' has resolved).
    req.on('close', () => reject(new Error('request closed before its body arrived')));
  });
}

export async function startScriptedLlmServer(options: ScriptedLlmServerOptions): Promise<ScriptedLlmServer> {
  const { respond, latencyMs = 0, faults = {}, model = 'scripted-model', recordRequests = true } = options;
  const random = seededRandom(faults.seed ?? 1);
  const failFirst = [...(faults.failFirst ?? [])];
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let completionCount = 0;

  const pickFault = (): Fault | undefined => {
    const scripted = failFirst.shift();
    if (scripted) return scripted;
    const r = random();
    let edge = 0;
    for (const [fault, rate] of [
      ['429', faults.rate429],
      ['500', faults.rate500],
      ['hang', faults.rateHang],
      ['malformed', faults.rateMalformed],
      ['empty', faults.rateEmpty],
    ] as const) {
      edge += rate ?? 0;
      if (r < edge) return fault;
    }
    return undefined;
  };

  const later = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

  async function chatCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const request: ScriptedChatRequest = {
      model: String(body.model ?? model),
      messages: Array.isArray(body.messages) ? (body.messages as ScriptedChatRequest['messages']) : [],
      body,
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    };
    const fault = pickFault();
    if (recordRequests) {
      requests.push({
        ...request,
        ...(fault && { fault }),
        receivedAt: performance.now(),
      });
    }
    if (fault === 'hang') {
      if (!req.socket.destroyed) await new Promise((resolve) => res.once('close', resolve));
      return;
    }
    await later(latencyMs);
    switch (fault) {
      case '429': {
        const headers: Record<string, string> = {};
        if (faults.retryAfterSeconds !== undefined) headers['retry-after'] = String(faults.retryAfterSeconds);
        if (faults.retryAfterMs !== undefined) headers['retry-after-ms'] = String(faults.retryAfterMs);
        sendJson(res, 429, { error: { message: 'rate limited (scripted)', type: 'rate_limit_error' } }, headers);
        return;
      }
      case '500':
        sendJson(res, 500, { error: { message: 'internal error (scripted)', type: 'server_error' } });
        return;
      case '400':
        sendJson(res, 400, { error: { message: 'bad request (scripted)', type: 'invalid_request_error' } });
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"chatcmpl-broken","choices":[{"message":');
        return;
      case 'empty':
        sendJson(res, 200, { id: 'chatcmpl-empty', object: 'chat.completion', created: 0, model: request.model, choices: [] });
        return;
    }
    let text: string;
    try {
      text = await respond(request);
    } catch (error) {
      sendJson(res, 500, { error: { message: `respond() threw: ${(error as Error).message}`, type: 'server_error' } });
      return;
    }
    const promptTokens = roughTokens(contentChars(request.messages));
    const completionTokens = roughTokens(text.length);
    sendJson(res, 200, {
      id: `chatcmpl-${++completionCount}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      chatCompletion(req, res)
        .catch((error: unknown) => {
          if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'server_error' } });
        })
        .finally(() => inFlight--);
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'scripted' }] });
      return;
    }
    sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
