import { afterEach, describe, expect, it } from 'vitest';
import { AttemptError } from '../../main/llm/retry.ts';
import { ChatServer } from '../../main/llm/transport.ts';
import { startScriptedLlmServer, type Fault, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';

const body = { model: 'scripted-model', messages: [{ role: 'user', content: 'hi' }] };
const never = new AbortController().signal;

describe('ChatServer (one OpenAI-compatible server over an undici pool)', () => {
  let server: ScriptedLlmServer | undefined;

  async function serve(failFirst: Fault[] = [], extra: { retryAfterMs?: number } = {}) {
    server = await startScriptedLlmServer({ respond: (r) => `echo ${String(r.messages.at(-1)?.content)}`, faults: { failFirst, ...extra } });
    return server;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('posts to {baseURL}/chat/completions with the bearer key, with or without a trailing slash', async () => {
    const server = await serve();
    for (const baseURL of [server.baseURL, `${server.baseURL}/`]) {
      const chat = new ChatServer({ baseURL, apiKey: 'sk-test', connections: 2 });
      expect(await chat.complete(body, { timeoutMs: 5000, signal: never })).toMatchObject({ raw: 'echo hi', model: 'scripted-model' });
    }
    expect(server.requests.map((r) => r.authorization)).toEqual(['Bearer sk-test', 'Bearer sk-test']);
  });

  it('an error status becomes an AttemptError with the SDK-shaped message, retryable or not, with retry-after', async () => {
    const server = await serve(['429', '400'], { retryAfterMs: 1234 });
    const chat = new ChatServer({ baseURL: server.baseURL, apiKey: 'EMPTY', connections: 1 });
    const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as AttemptError);
    const limited = await failure(chat.complete(body, { timeoutMs: 5000, signal: never }));
    expect(limited).toBeInstanceOf(AttemptError);
    expect(limited).toMatchObject({ message: 'HTTP 429: 429 rate limited (scripted)', retryable: true, status: 429, retryAfterMs: 1234 });
    const bad = await failure(chat.complete(body, { timeoutMs: 5000, signal: never }));
    expect(bad).toMatchObject({ message: 'HTTP 400: 400 bad request (scripted)', retryable: false, status: 400 });
    const wrongPath = new ChatServer({ baseURL: `${server.baseURL}/elsewhere`, apiKey: 'EMPTY', connections: 1 });
    expect(await failure(wrongPath.complete(body, { timeoutMs: 5000, signal: never }))).toMatchObject({
      message: 'HTTP 404: 404 no route POST /v1/elsewhere/chat/completions',
      retryable: false,
    });
  });

  it('gives up at the deadline, and on abort rejects with the caller’s reason', async () => {
    const server = await serve(['hang', 'hang']);
    const chat = new ChatServer({ baseURL: server.baseURL, apiKey: 'EMPTY', connections: 2 });
    await expect(chat.complete(body, { timeoutMs: 100, signal: never })).rejects.toMatchObject({
      message: 'no reply within 100 ms',
      retryable: true,
    });
    const cancel = new AbortController();
    const pending = chat.complete(body, { timeoutMs: 60_000, signal: cancel.signal });
    const reason = new Error('run cancelled');
    await expect.poll(() => server.requests.length).toBe(2); // the second request is at the server
    cancel.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('a refused connection is a retryable connection failure', async () => {
    const gone = await startScriptedLlmServer({ respond: () => 'unused' });
    const url = new URL(gone.baseURL);
    await gone.close();
    const chat = new ChatServer({ baseURL: gone.baseURL, apiKey: 'EMPTY', connections: 1 });
    await expect(chat.complete(body, { timeoutMs: 5000, signal: never })).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^connection failed: .*ECONNREFUSED.*${url.port}`)),
      retryable: true,
    });
  });
});
