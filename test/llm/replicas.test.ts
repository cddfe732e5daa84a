import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { testClient, user } from './helpers.ts';

describe('a profile with replicas', () => {
  const servers: ScriptedLlmServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('spreads requests over the replicas, each within maxConcurrency, and caches under one key', async () => {
    for (const name of ['a', 'b']) {
      servers.push(await startScriptedLlmServer({ latencyMs: 30, respond: (r) => `${name}:${String(r.messages.at(-1)?.content)}` }));
    }
    const [a, b] = servers as [ScriptedLlmServer, ScriptedLlmServer];
    const { gateway } = testClient(a.baseURL, { replicas: [b.baseURL], maxConcurrency: 3 });
    const llm = gateway();
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => llm.complete({ profile: 'local', messages: user(`q${i}`) })),
    );
    expect(a.requests.length + b.requests.length).toBe(30);
    expect(a.requests.length).toBeGreaterThanOrEqual(10);
    expect(b.requests.length).toBeGreaterThanOrEqual(10);
    expect(a.maxInFlight).toBeLessThanOrEqual(3);
    expect(b.maxInFlight).toBeLessThanOrEqual(3);
    expect(replies.every((r, i) => r.text.endsWith(`:q${i}`))).toBe(true);

    const again = await llm.complete({ profile: 'local', messages: user('q7') });
    expect(again.cached).toBe(true);
    expect(a.requests.length + b.requests.length).toBe(30);
  });
});
