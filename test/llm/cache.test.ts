import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient, type LlmCallRecord } from '../../main/llm/index.ts';
import { RunStore } from '../../main/store/index.ts';
import { tempDir } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { FAST_BACKOFF, memoryCache, testClient, testProfile, user } from './helpers.ts';

describe('request cache', () => {
  let server: ScriptedLlmServer;
  let counter = 0;
  beforeAll(async () => {
    server = await startScriptedLlmServer({ respond: () => `answer ${++counter}` });
  });
  afterAll(() => server.close());

  it('serves an identical request from the cache without a server request', async () => {
    const { gateway, recorder } = testClient(server.baseURL);
    const before = server.requests.length;
    const request = { profile: 'local', messages: user('same question'), temperature: 0 };
    const first = await gateway().complete(request);
    const second = await gateway({ runId: 'run-2' }).complete({ ...request, messages: user('same question') });
    expect(server.requests.length - before).toBe(1);
    expect(first.cached).toBe(false);
    expect(second).toEqual({ ...first, cached: true, latencyMs: 0 });
    expect(recorder.calls.map((c) => [c.runId, c.cached, c.attempts, c.latencyMs === 0])).toEqual([
      ['run-1', false, 1, expect.any(Boolean)],
      ['run-2', true, 0, true],
    ]);
    expect(recorder.calls[1]?.requestHash).toBe(recorder.calls[0]?.requestHash);
  });

  it('identical requests in flight together are paid once: the others wait for the reply and take it from the cache', async () => {
    const { gateway, recorder } = testClient(server.baseURL);
    const before = server.requests.length;
    const request = { profile: 'local', messages: user('asked by five at once') };
    const replies = await Promise.all(Array.from({ length: 5 }, () => gateway().complete(request)));
    expect(server.requests.length - before).toBe(1);
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(replies.map((r) => r.cached).sort()).toEqual([false, true, true, true, true]);
    expect(recorder.calls.filter((c) => !c.cached)).toHaveLength(1);
  });

  it('paid once too with the run store as the cache and leases in the process only: a reply is found before its turn commits', async () => {
    const dir = tempDir('rewatch-ledger-cache-');
    const store = new RunStore(dir.path);
    try {
      const { gateway } = testClient(server.baseURL, {}, { cache: store.llm });
      const before = server.requests.length;
      const request = { profile: 'local', messages: user('asked by three at once, cached in the run store') };
      const replies = await Promise.all(Array.from({ length: 3 }, () => gateway().complete(request)));
      expect(server.requests.length - before).toBe(1);
      expect(replies.map((r) => r.cached).sort()).toEqual([false, true, true]);
    } finally {
      store.close();
      dir.remove();
    }
  });

  it('a different cacheSalt, parameter or extraBody is a different request', async () => {
    const { gateway } = testClient(server.baseURL);
    const before = server.requests.length;
    const base = { profile: 'local', messages: user('sample me') };
    await gateway().complete({ ...base, cacheSalt: 'attempt-1' });
    await gateway().complete({ ...base, cacheSalt: 'attempt-2' });
    await gateway().complete({ ...base, cacheSalt: 'attempt-2', temperature: 1 });
    await gateway().complete({ ...base, cacheSalt: 'attempt-2', extraBody: { top_k: 5 } });
    await gateway().complete({ ...base, cacheSalt: 'attempt-2' });
    expect(server.requests.length - before).toBe(4);
  });

  it('useCache false asks the server again and stores the fresh reply', async () => {
    const { gateway, cache } = testClient(server.baseURL);
    const before = server.requests.length;
    const request = { profile: 'local', messages: user('refresh me') };
    const first = await gateway().complete(request);
    const fresh = await gateway({ useCache: false }).complete(request);
    const cached = await gateway().complete(request);
    expect(server.requests.length - before).toBe(2);
    expect(fresh.text).not.toBe(first.text);
    expect(cached).toMatchObject({ cached: true, text: fresh.text });
    expect(cache.entries.size).toBe(1);
  });

  it('the profile name and limits are not part of the key, the endpoint and model are', async () => {
    const cache = memoryCache();
    const calls: LlmCallRecord[] = [];
    const client = new LlmClient({
      profiles: [
        testProfile(server.baseURL, { name: 'a' }),
        testProfile(server.baseURL, { name: 'b', maxConcurrency: 1 }),
        testProfile(server.baseURL, { name: 'c', model: 'other-model' }),
      ],
      cache,
      recorder: { record: (call) => void calls.push(call) },
      backoff: FAST_BACKOFF,
    });
    const gateway = client.gateway({ runId: 'r', nodeId: 'n', signal: new AbortController().signal, useCache: true });
    await gateway.complete({ profile: 'a', messages: user('shared') });
    await gateway.complete({ profile: 'b', messages: user('shared') });
    await gateway.complete({ profile: 'c', messages: user('shared') });
    expect(calls.map((c) => [c.profile, c.cached])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
  });

  it('writes the cache before the call is recorded or returned', async () => {
    const cache = memoryCache();
    const seenInCache: boolean[] = [];
    const client = new LlmClient({
      profiles: [testProfile(server.baseURL)],
      cache,
      recorder: { record: (call) => void seenInCache.push(cache.entries.has(call.requestHash)) },
      backoff: FAST_BACKOFF,
    });
    await client
      .gateway({ runId: 'r', nodeId: 'n', signal: new AbortController().signal, useCache: true })
      .complete({ profile: 'local', messages: user('durable') });
    expect(seenInCache).toEqual([true]);
  });

  it('a reply the cache fails to store still reaches the caller, with a warning naming the profile', async () => {
    const warnings: string[] = [];
    const { gateway } = testClient(server.baseURL, {}, {
      cache: { get: () => undefined, put: () => Promise.reject(new Error('disk full')) },
      warn: (message) => warnings.push(message),
    });
    const reply = await gateway().complete({ profile: 'local', messages: user('unstorable') });
    expect(reply.text).toMatch(/^answer \d+$/);
    await expect.poll(() => warnings).toEqual([
      'LLM profile "local": a reply could not be stored in the request cache: disk full',
    ]);
  });
});
