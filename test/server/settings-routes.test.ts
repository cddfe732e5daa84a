import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiError, type EngineApi } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { createApiServer, createToken, type RunningServer } from '../../main/server/index.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { openEngine, profile, tempDir } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { freePort } from '../support/sshd.ts';
import { type Harness, startHarness } from './harness.ts';

describe('connection test routes over the real engine', () => {
  const dir = tempDir();
  let llm: ScriptedLlmServer;
  let refusedURL: string;
  let lockedURL: string;
  let engine: Engine;
  let server: RunningServer;
  let client: EngineApi;

  beforeAll(async () => {
    llm = await startScriptedLlmServer({ respond: () => 'ok', model: 'served-model' });
    refusedURL = `http://127.0.0.1:${await freePort()}/v1`;
    lockedURL = `http://alice:s3cret-pw@127.0.0.1:${await freePort()}/v1?api_key=k3y-value&region=eu`;
    // A name with a space and a slash travels URI-encoded in the path.
    engine = openEngine(join(dir.path, 'data'), [
      profile('team llm/v2', llm.baseURL),
      profile('nowhere-llm', refusedURL),
      profile('locked-llm', lockedURL),
    ]);
    const token = createToken();
    server = await createApiServer({ engine, token, resolveMedia: () => undefined }).listen();
    client = createHttpEngineClient({ baseUrl: server.url, token, WebSocket });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.close();
    await llm?.close();
    dir.remove();
  });

  it('tests a host: POST /api/hosts/:name/test', async () => {
    const result = await client.testHost('local');
    expect(result).toMatchObject({ host: 'local', kind: 'local' });
    expect(result.os).toMatch(/^Linux /);
    expect(result.freeDiskBytes).toBeGreaterThan(0);
    const error = await client.testHost('gpu-box').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, message: expect.stringContaining('no host "gpu-box" (known: local)') });
  });

  it('tests a provider profile: POST /api/providers/:name/test', async () => {
    expect(await client.testProvider('team llm/v2')).toMatchObject({
      provider: 'team llm/v2',
      model: 'scripted-model',
      servedModel: 'scripted-model',
      reply: 'ok',
    });
    expect(llm.requests).toHaveLength(1);
    await expect(client.testProvider('nowhere-llm')).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining(`provider profile "nowhere-llm" at ${refusedURL}: connection failed`),
    });
    await expect(client.testProvider('gpt-9')).rejects.toMatchObject({ status: 404 });
  });

  it('never shows a password or a key of a provider URL, in settings or in a failed test', async () => {
    const redacted = lockedURL.replace('s3cret-pw', '***').replace('k3y-value', '***');
    const settings = await client.settings();
    expect(settings.providers.find((p) => p.name === 'locked-llm')!.baseURL).toBe(redacted);
    expect(JSON.stringify(settings)).not.toMatch(/s3cret-pw|k3y-value/);
    const error = (await client.testProvider('locked-llm').catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 502, message: expect.stringContaining(`provider profile "locked-llm" at ${redacted}: `) });
    expect(error.message).not.toMatch(/s3cret-pw|k3y-value/);
  });

  it('needs the token like every route', async () => {
    expect((await fetch(`${server.url}/api/hosts/local/test`, { method: 'POST' })).status).toBe(401);
  });
});

describe('model server routes', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('lists the model servers and stops one by id', async () => {
    expect(await harness.client.modelServers()).toEqual(harness.engine.modelServerList);
    expect(await harness.client.stopModelServer('ms-1')).toEqual({ stopped: true });
    expect(harness.engine.calls).toContainEqual(['stopModelServer', 'ms-1']);
    expect(await harness.client.modelServers()).toEqual([]);
    await expect(harness.client.stopModelServer('ms-1')).rejects.toMatchObject({ status: 404, message: 'no model server "ms-1"' });
  });
});
