import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmResponse } from '../../nodes/sdk/context.ts';
import { LlmRequestError } from '../../main/llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { testClient, user } from './helpers.ts';

describe('fault mix', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer({
      respond: ({ messages }) => `re: ${String(messages.at(-1)?.content)}`,
      latencyMs: 5,
      faults: { rate429: 0.2, rate500: 0.1, rateHang: 0.05, rateMalformed: 0.1, seed: 42 },
    });
  });
  afterAll(() => server.close());

  it('100 requests under 20% 429, 10% 500, 5% hang, 10% malformed: each completes or carries an explicit error', async () => {
    // The deadline is what ends a hung request; it is long enough that a healthy reply on a loaded machine never
    // meets it (a short one turned load into timeouts and the suite red).
    const { gateway, recorder } = testClient(server.baseURL, { timeoutMs: 2_000, maxRetries: 6, maxConcurrency: 16 });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => gateway().complete({ profile: 'local', messages: user(`item ${i}`) })),
    );
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        expect((result.value as LlmResponse).text).toBe(`re: item ${i}`);
      } else {
        expect(result.reason).toBeInstanceOf(LlmRequestError);
        expect((result.reason as Error).message).toMatch(/^LLM profile "local": gave up after 7 attempts: /);
      }
    });
    const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
    expect(fulfilled).toBeGreaterThanOrEqual(95);
    const served = new Set(server.requests.map((r) => r.fault ?? 'ok'));
    expect([...served].sort()).toEqual(['429', '500', 'hang', 'malformed', 'ok']);
    // One record per request. Every request the server saw was an attempt; on a loaded machine an attempt can
    // also time out before its body reaches the server.
    expect(recorder.calls).toHaveLength(100);
    expect(recorder.calls.every((c) => c.attempts >= 1)).toBe(true);
    expect(recorder.calls.reduce((sum, c) => sum + c.attempts, 0)).toBeGreaterThanOrEqual(server.requests.length);
  });
});
