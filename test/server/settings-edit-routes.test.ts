import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiError, routes } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { createApiServer, createToken, type RunningServer } from '../../main/server/index.ts';
import { createHttpEngineClient, type HttpEngineClient } from '../../renderer/api/index.ts';
import { openEngine, tempDir } from '../support/engine-fixture.ts';

describe('settings edit routes over HTTP', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  let engine: Engine;
  let server: RunningServer;
  let client: HttpEngineClient;
  let token: string;

  beforeAll(async () => {
    mkdirSync(dataDir);
    engine = openEngine(dataDir);
    token = createToken();
    server = await createApiServer({ engine, token, resolveMedia: () => undefined }).listen();
    client = createHttpEngineClient({ baseUrl: server.url, token, WebSocket });
  });

  afterAll(async () => {
    await server?.close();
    await engine?.close();
    dir.remove();
  });

  it('adds a profile (PUT), lists it (GET) and removes it (POST …/delete)', async () => {
    const entry = { name: 'qa-llm', baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen' };
    const saved = await client.saveSettingsEntry('providers', { entry });
    expect(saved).toEqual({ ok: true, settings: { providers: [{ name: 'qa-llm', model: 'qwen', baseURL: entry.baseURL }], hosts: ['local'], dataDir } });
    expect(readFileSync(join(dataDir, 'providers.yaml'), 'utf8')).toContain('name: qa-llm');
    expect((await client.settingsFile('providers')).entries).toEqual([entry]);
    expect((await client.deleteSettingsEntry('providers', 'qa-llm')).providers).toEqual([]);
  });

  it('answers field errors as a result, not a failure', async () => {
    const result = await client.saveSettingsEntry('providers', { entry: { name: 'x', baseURL: 'http://h/v1', model: 'm', key: 'sk-1' } });
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'key', message: expect.stringContaining('holds its key inline') }] });
  });

  it('names an unknown settings file, and a missing entry, with 404', async () => {
    const url = `${server.url}${routes.settingsFile.path.replace(':kind', 'secrets')}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no settings file "secrets" (known: providers, hosts)' });
    const missing = await client.saveSettingsEntry('hosts', { previousName: 'gone', entry: {} }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, message: `${join(dataDir, 'hosts.yaml')}: no entry named "gone"` });
  });
});
