import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { until } from '../support/until.ts';
import { testClient, testProfile, user } from './helpers.ts';

describe('profiles replaced while requests are in flight (Settings edits)', () => {
  const servers: ScriptedLlmServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('keeps an unchanged profile’s limits; a changed one sends its next request to the new server, the one in flight finishes on the old', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const old = await startScriptedLlmServer({ respond: async () => held.then(() => 'old'), model: 'old-model' });
    const fresh = await startScriptedLlmServer({ respond: () => 'new', model: 'new-model' });
    servers.push(old, fresh);
    const { client, gateway } = testClient(old.baseURL, { maxConcurrency: 1 });
    const llm = gateway({ useCache: false });

    const inFlight = llm.complete({ profile: 'local', messages: user('first') });
    await until(() => old.requests.length === 1, 'the first request to reach the old server');
    expect(client.load('local')).toEqual({ inFlight: 1, queued: 0 });

    client.setProfiles([testProfile(old.baseURL, { maxConcurrency: 1 })]);
    expect(client.load('local')).toEqual({ inFlight: 1, queued: 0 });

    client.setProfiles([testProfile(fresh.baseURL, { model: 'new-model', maxConcurrency: 1 })]);
    expect(client.load('local')).toEqual({ inFlight: 0, queued: 0 });
    const next = await llm.complete({ profile: 'local', messages: user('second') });
    expect(next.text).toBe('new');
    expect(fresh.requests.map((r) => r.model)).toEqual(['new-model']);

    release();
    expect((await inFlight).text).toBe('old');
    expect(old.requests).toHaveLength(1);

    client.setProfiles([]);
    await expect(llm.complete({ profile: 'local', messages: user('third') })).rejects.toThrow('unknown provider profile "local" (known: none)');
  });
});
