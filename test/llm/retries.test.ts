import { afterEach, describe, expect, it, vi } from 'vitest';
import { LlmRequestError } from '../../main/llm/index.ts';
import { retryAfterMs } from '../../main/llm/retry.ts';
import { startScriptedLlmServer, type Fault, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { testClient, user } from './helpers.ts';

describe('retryAfterMs', () => {
  it('reads retry-after-ms, Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('retries against the scripted server', () => {
  let server: ScriptedLlmServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(failFirst: Fault[], extra: { retryAfterSeconds?: number; retryAfterMs?: number } = {}) {
    server = await startScriptedLlmServer({ respond: () => 'fine', faults: { failFirst, ...extra } });
    return server;
  }

  it('honours Retry-After seconds on a 429', async () => {
    const s = await serve(['429'], { retryAfterSeconds: 1 });
    const { gateway, recorder } = testClient(s.baseURL);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const response = await gateway().complete({ profile: 'local', messages: user('hi') });
    const delays = timers.mock.calls.map(([, ms]) => ms);
    timers.mockRestore();
    expect(response.text).toBe('fine');
    const [first, second] = s.requests;
    expect(first?.fault).toBe('429');
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
    // The wait is the server's second, not a longer backoff of its own (a state, not elapsed time: load stretches that).
    expect(delays).toContain(1_000);
    expect(recorder.calls[0]?.attempts).toBe(2);
  });

  it('honours retry-after-ms on a 429', async () => {
    const s = await serve(['429'], { retryAfterMs: 300 });
    const { gateway } = testClient(s.baseURL);
    await gateway().complete({ profile: 'local', messages: user('hi') });
    const [first, second] = s.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(280);
  });

  it('retries 500s, hangs past timeoutMs, malformed bodies and empty choices', async () => {
    const s = await serve(['500', 'hang', 'malformed', 'empty']);
    const { gateway, recorder } = testClient(s.baseURL, { timeoutMs: 200, maxRetries: 4 });
    const response = await gateway().complete({ profile: 'local', messages: user('hi') });
    expect(response.text).toBe('fine');
    expect(s.requests.map((r) => r.fault ?? 'ok')).toEqual(['500', 'hang', 'malformed', 'empty', 'ok']);
    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]).toMatchObject({ attempts: 5, cached: false });
    expect(recorder.calls[0]?.error).toBeUndefined();
  });

  it('gives up after maxRetries with an error naming profile, status and attempts', async () => {
    const s = await serve(['500', '500', '500', '500']);
    const { gateway, recorder } = testClient(s.baseURL, { maxRetries: 2 });
    const error = await gateway()
      .complete({ profile: 'local', messages: user('hi') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect((error as LlmRequestError).message).toMatch(/^LLM profile "local": gave up after 3 attempts: HTTP 500/);
    expect(error).toMatchObject({ profile: 'local', status: 500, attempts: 3 });
    expect(s.requests).toHaveLength(3);
    expect(recorder.calls[0]).toMatchObject({ attempts: 3, error: (error as Error).message, promptTokens: 0 });
  });

  it('a timeout that persists ends in a clear error', async () => {
    const s = await serve(['hang', 'hang']);
    const { gateway } = testClient(s.baseURL, { timeoutMs: 100, maxRetries: 1 });
    await expect(gateway().complete({ profile: 'local', messages: user('hi') })).rejects.toThrow(
      'LLM profile "local": gave up after 2 attempts: no reply within 100 ms',
    );
  });

  it('does not retry a 400', async () => {
    const s = await serve(['400']);
    const { gateway } = testClient(s.baseURL);
    await expect(gateway().complete({ profile: 'local', messages: user('hi') })).rejects.toThrow(
      /^LLM profile "local": not retryable after 1 attempt: HTTP 400/,
    );
    expect(s.requests).toHaveLength(1);
  });

  it('retries connection errors (nothing listening)', async () => {
    const s = await serve([]);
    const baseURL = s.baseURL;
    await s.close();
    server = undefined;
    const { gateway } = testClient(baseURL, { maxRetries: 2 });
    await expect(gateway().complete({ profile: 'local', messages: user('hi') })).rejects.toThrow(
      /^LLM profile "local": gave up after 3 attempts: connection failed/,
    );
  });
});
