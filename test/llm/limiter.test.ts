import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RequestLimiter } from '../../main/llm/limiter.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { testClient, user } from './helpers.ts';

describe('per-profile limits', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer({ respond: () => 'ok', latencyMs: 50 });
  });
  afterAll(() => server.close());

  it('maxConcurrency 2: the server never sees more than 2 requests in flight', async () => {
    const { gateway } = testClient(server.baseURL, { maxConcurrency: 2 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => gateway().complete({ profile: 'local', messages: user(`q${i}`) })),
    );
    expect(server.maxInFlight).toBe(2);
  });

  it('requestsPerMinute paces what the server receives', async () => {
    const { gateway } = testClient(server.baseURL, { requestsPerMinute: 600 });
    const before = server.requests.length;
    const askedAt = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => gateway().complete({ profile: 'local', messages: user(`paced ${i}`) })),
    );
    const arrivals = server.requests.slice(before).map((r) => r.receivedAt);
    // Starts are 100 ms apart, so the fourth is sent 300 ms after the first at the earliest, and nothing arrives
    // before it is sent: a bound a busy machine can only lengthen. (Unpaced, all four arrive within milliseconds.)
    expect(arrivals).toHaveLength(4);
    expect(Math.max(...arrivals) - askedAt).toBeGreaterThanOrEqual(300);
  });
});

describe('RequestLimiter', () => {
  it('adds no wait when rpm is unset', async () => {
    const limiter = new RequestLimiter({ maxConcurrency: 64 });
    const signal = new AbortController().signal;
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await Promise.all(Array.from({ length: 1_000 }, () => limiter.run(async () => 1, signal)));
    const delays = timers.mock.calls.map(([, ms]) => ms);
    timers.mockRestore();
    expect(delays).toEqual([]);
  });

  it('requestsPerMinute spaces task starts 60000/rpm ms apart', async () => {
    const limiter = new RequestLimiter({ maxConcurrency: 8, requestsPerMinute: 1_200 });
    const signal = new AbortController().signal;
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => limiter.run(async () => void starts.push(performance.now()), signal)));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(49);
  });

  it('a queued task gives up its place as soon as its signal aborts', async () => {
    const limiter = new RequestLimiter({ maxConcurrency: 1 });
    const never = new AbortController();
    let release!: () => void;
    const blocker = limiter.run(() => new Promise<void>((resolve) => (release = resolve)), never.signal);
    const controller = new AbortController();
    let ran = false;
    const queued = limiter.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    release();
    await blocker;
    await limiter.run(async () => {}, never.signal);
    expect(ran).toBe(false);
  });

  it('aborting a shared signal rejects thousands of queued tasks at once', async () => {
    const limiter = new RequestLimiter({ maxConcurrency: 1 });
    const controller = new AbortController();
    const tasks = Array.from({ length: 5_000 }, () => limiter.run(() => new Promise<void>(() => {}), controller.signal));
    const settled = Promise.allSettled(tasks);
    controller.abort();
    const results = await settled;
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).name === 'AbortError')).toBe(true);
  });

  it('an rpm wait is abortable', async () => {
    const limiter = new RequestLimiter({ maxConcurrency: 4, requestsPerMinute: 1 });
    const controller = new AbortController();
    await limiter.run(async () => {}, controller.signal);
    const paced = limiter.run(async () => {}, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(paced).rejects.toMatchObject({ name: 'AbortError' });
  });
});
