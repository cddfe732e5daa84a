import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { until } from '../support/until.ts';
import { testClient, user } from './helpers.ts';

describe('LlmClient gateway', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer({
      respond: ({ messages }) => `<think>pondering</think>\nEcho: ${String(messages.at(-1)?.content)}`,
    });
  });
  afterAll(() => server.close());

  it('sends the profile model, messages and sampling parameters, with extraBody merged in', async () => {
    const { gateway } = testClient(server.baseURL);
    await gateway().complete({
      profile: 'local',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'video_url', video_url: { url: 'file:///v.mp4' } }, { type: 'text', text: 'what?' }] },
      ],
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 256,
      seed: 7,
      stop: ['</answer>'],
      extraBody: { top_k: 20, mm_processor_kwargs: { fps: 2 }, temperature: 0.1 },
    });
    expect(server.requests.at(-1)?.body).toEqual({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'video_url', video_url: { url: 'file:///v.mp4' } }, { type: 'text', text: 'what?' }] },
      ],
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 256,
      seed: 7,
      stop: ['</answer>'],
      top_k: 20,
      mm_processor_kwargs: { fps: 2 },
    });
  });

  it('returns text without thinking, the raw reply, usage and model, and records the call', async () => {
    const { gateway, recorder } = testClient(server.baseURL);
    const response = await gateway({ runId: 'run-9', nodeId: 'caption' }).complete({ profile: 'local', messages: user('hello') });
    expect(response).toMatchObject({
      text: 'Echo: hello',
      raw: '<think>pondering</think>\nEcho: hello',
      model: 'test-model',
      cached: false,
    });
    expect(response.usage.promptTokens).toBeGreaterThan(0);
    expect(response.usage.completionTokens).toBeGreaterThan(0);
    expect(response.json).toBeUndefined();
    expect(recorder.calls).toEqual([
      {
        runId: 'run-9',
        nodeId: 'caption',
        profile: 'local',
        model: 'test-model',
        requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        promptTokens: response.usage.promptTokens,
        completionTokens: response.usage.completionTokens,
        latencyMs: expect.any(Number),
        cached: false,
        attempts: 1,
        repair: false,
      },
    ]);
  });

  it('rejects an unknown profile without a request', async () => {
    const { gateway } = testClient(server.baseURL);
    const before = server.requests.length;
    await expect(gateway().complete({ profile: 'nope', messages: user('x') })).rejects.toThrow(
      'unknown provider profile "nope" (known: local)',
    );
    expect(server.requests.length).toBe(before);
  });
});

describe('cancellation', () => {
  it('an abort stops a hanging request at once, without retries', async () => {
    const server = await startScriptedLlmServer({ respond: () => 'late', faults: { rateHang: 1 } });
    try {
      // The request's own timeout outlasts the test: only the abort can end it.
      const { gateway, recorder } = testClient(server.baseURL, { timeoutMs: 600_000 });
      const controller = new AbortController();
      const pending = gateway({ signal: controller.signal }).complete({ profile: 'local', messages: user('wait') });
      await until(() => server.requests.length === 1);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      expect(server.requests.length).toBe(1);
      expect(recorder.calls[0]).toMatchObject({ attempts: 1, error: expect.stringMatching(/abort/i) });
    } finally {
      await server.close();
    }
  });

  it('an abort during a backoff wait stops the retries', async () => {
    const server = await startScriptedLlmServer({ respond: () => 'x', faults: { rate429: 1, retryAfterSeconds: 30 } });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const { gateway } = testClient(server.baseURL);
      const controller = new AbortController();
      const pending = gateway({ signal: controller.signal }).complete({ profile: 'local', messages: user('x') });
      await until(() => timers.mock.calls.some(([, ms]) => ms === 30_000), 'the 30 s backoff the server asked for');
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      expect(server.requests.length).toBe(1);
    } finally {
      timers.mockRestore();
      await server.close();
    }
  });
});
