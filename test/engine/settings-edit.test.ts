/**
 * Settings edited through the engine API: checked by the schemas the engine loads the files with, written back to
 * the YAML with its comments, and in effect at once (no restart).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine.ts';
import { openEngine } from '../../main/cli/engine-options.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { tempDir } from '../support/engine-fixture.ts';

const COMMENTED = (baseURL: string) => `# Provider profiles of the lab
providers:
  - name: judge-llm # the judge
    baseURL: ${baseURL}
    model: old-model # keep in sync with the cluster
    maxConcurrency: 4
`;

describe('editing settings through the engine', () => {
  let oldServer: ScriptedLlmServer;
  let newServer: ScriptedLlmServer;
  let dir: ReturnType<typeof tempDir>;
  let dataDir: string;
  let engine: Engine;

  beforeAll(async () => {
    oldServer = await startScriptedLlmServer({ respond: () => 'old', model: 'old-model' });
    newServer = await startScriptedLlmServer({ respond: () => 'new', model: 'new-model' });
  });
  afterAll(async () => {
    await oldServer.close();
    await newServer.close();
  });
  beforeEach(async () => {
    dir = tempDir('rewatch-settings-');
    dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'providers.yaml'), COMMENTED(oldServer.baseURL));
    engine = await openEngine({ 'data-dir': dataDir });
  });
  afterEach(async () => {
    await engine.close();
    dir.remove();
  });

  const providersText = () => readFileSync(join(dataDir, 'providers.yaml'), 'utf8');
  const judge = (overrides: Record<string, unknown> = {}) => ({
    name: 'judge-llm',
    baseURL: newServer.baseURL,
    model: 'new-model',
    maxConcurrency: 4,
    ...overrides,
  });

  it('serves the file’s entries, path and entry schema, and the data dir', async () => {
    const file = await engine.settingsFile('providers');
    expect(file.path).toBe(join(dataDir, 'providers.yaml'));
    expect(file.entries).toEqual([{ name: 'judge-llm', baseURL: oldServer.baseURL, model: 'old-model', maxConcurrency: 4 }]);
    expect(Object.keys(file.schemas)).toEqual(['profile']);
    expect(file.schemas.profile!.required).toEqual(['name', 'baseURL', 'model']);
    expect((await engine.settings()).dataDir).toBe(dataDir);
  });

  it('writes an edit back keeping the comments, and the next request uses the new profile without a restart', async () => {
    expect((await engine.testProvider('judge-llm')).reply).toBe('old');
    const result = await engine.saveSettingsEntry('providers', { previousName: 'judge-llm', entry: judge() });
    expect(result).toEqual({ ok: true, settings: expect.objectContaining({ providers: [{ name: 'judge-llm', model: 'new-model', baseURL: newServer.baseURL }] }) });
    expect(providersText()).toBe(
      COMMENTED(newServer.baseURL).replace('model: old-model # keep', 'model: new-model # keep'),
    );
    expect(await engine.testProvider('judge-llm')).toMatchObject({ reply: 'new', servedModel: 'new-model' });
    expect(newServer.requests).toHaveLength(1);
  });

  it('refuses an entry the engine could not load, by field, and leaves the file as it was', async () => {
    const before = providersText();
    const result = await engine.saveSettingsEntry('providers', {
      previousName: 'judge-llm',
      entry: judge({ baseURL: 'ftp://nowhere', maxConcurrency: 0, apiKeyEnv: 'sk-live-1234' }),
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual(['apiKeyEnv', 'baseURL', 'maxConcurrency']);
    expect(!result.ok && result.errors.find((e) => e.field === 'apiKeyEnv')?.message).toBe('must be the name of an environment variable, not a key');
    expect(providersText()).toBe(before);
    expect((await engine.settings()).providers[0]!.model).toBe('old-model');
  });

  it('refuses a key written inline with the message the engine gives at start', async () => {
    const result = await engine.saveSettingsEntry('providers', { entry: judge({ name: 'openai', apiKey: 'sk-abc' }) });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: 'apiKey',
          message:
            'profile "openai" holds its key inline; keys are never written in this file: put it in an environment variable and name that variable in apiKeyEnv (e.g. apiKeyEnv: OPENAI_API_KEY)',
        },
      ],
    });
    expect(providersText()).not.toContain('sk-abc');
  });

  it('refuses a second entry of the same name on its name field', async () => {
    const result = await engine.saveSettingsEntry('providers', { entry: judge() });
    expect(result).toEqual({ ok: false, errors: [{ field: 'name', message: 'duplicate profile name "judge-llm"' }] });
  });

  it('adds, renames and deletes entries; graphs may name what is there now', async () => {
    const graph = {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'g',
      nodes: [{ id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 0, y: 0 }, config: { provider: 'qa-llm', prompt: 'Hi' } }],
      edges: [],
    };
    const unknownProfile = async () => (await engine.validate(graph)).errors.some((e) => e.field === 'provider');
    expect(await unknownProfile()).toBe(true);
    expect((await engine.saveSettingsEntry('providers', { entry: judge({ name: 'qa-llm' }) })).ok).toBe(true);
    expect(await unknownProfile()).toBe(false);
    expect((await engine.saveSettingsEntry('providers', { previousName: 'qa-llm', entry: judge({ name: 'qa-llm-2' }) })).ok).toBe(true);
    expect(await unknownProfile()).toBe(true);
    expect((await engine.deleteSettingsEntry('providers', 'qa-llm-2')).providers.map((p) => p.name)).toEqual(['judge-llm']);
    expect(providersText()).toBe(COMMENTED(oldServer.baseURL));
    await expect(engine.deleteSettingsEntry('providers', 'qa-llm-2')).rejects.toMatchObject({ status: 404 });
  });

  it('keeps both of two saves sent at once', async () => {
    const results = await Promise.all(
      ['a-llm', 'b-llm'].map((name) => engine.saveSettingsEntry('providers', { entry: judge({ name }) })),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect((await engine.settings()).providers.map((p) => p.name)).toEqual(['judge-llm', 'a-llm', 'b-llm']);
    expect(providersText()).toContain('# keep in sync with the cluster');
  });

  it('names a broken entry elsewhere in the file instead of writing over it, and lists only the entries it can edit', async () => {
    writeFileSync(join(dataDir, 'providers.yaml'), `${COMMENTED(oldServer.baseURL)}  - just a string\n`);
    expect((await engine.settingsFile('providers')).entries.map((e) => e.name)).toEqual(['judge-llm']);
    const result = await engine.saveSettingsEntry('providers', { previousName: 'judge-llm', entry: judge() });
    expect(result).toEqual({ ok: false, errors: [{ field: '', message: expect.stringMatching(/^providers\[1\]: /) }] });
    const unparsable = join(dataDir, 'providers.yaml');
    writeFileSync(unparsable, 'providers: [unclosed\n');
    await expect(engine.settingsFile('providers')).rejects.toMatchObject({ status: 400, message: expect.stringContaining(`${unparsable}: cannot parse`) });
  });

  it('masks a URL’s password when serving it and keeps the stored one when the masked form comes back', async () => {
    const locked = `http://alice:pa55word@127.0.0.1:${new URL(oldServer.baseURL).port}/v1?api_key=k3y&region=eu`;
    writeFileSync(join(dataDir, 'providers.yaml'), COMMENTED(locked));
    const [served] = (await engine.settingsFile('providers')).entries;
    expect(served!.baseURL).toBe(`http://alice:***@127.0.0.1:${new URL(oldServer.baseURL).port}/v1?api_key=***&region=eu`);
    expect((await engine.saveSettingsEntry('providers', { previousName: 'judge-llm', entry: { ...served!, model: 'other' } })).ok).toBe(true);
    expect(providersText()).toContain(`baseURL: ${locked}`);
    expect(providersText()).toContain('model: other # keep in sync');
  });

  it('creates hosts.yaml (0600) on the first host, checked by the hosts schema', async () => {
    const path = join(dataDir, 'hosts.yaml');
    expect(existsSync(path)).toBe(false);
    const noAuth = await engine.saveSettingsEntry('hosts', { entry: { name: 'gpu-1', kind: 'ssh', host: 'gpu-1.lab', user: 'alice' } });
    expect(noAuth).toEqual({ ok: false, errors: [{ field: 'privateKeyPath', message: 'set privateKeyPath or agent: true' }] });
    const slurm = await engine.saveSettingsEntry('hosts', {
      entry: { name: 'hpc', kind: 'slurm', login: { host: 'login.hpc', user: 'alice', agent: true, workDir: 'relative' }, partition: 'gpu' },
    });
    expect(slurm).toEqual({
      ok: false,
      errors: [
        { field: 'login.workDir', message: 'must be absolute or start with "~/"' },
        { field: 'timeLimit', message: 'required' },
      ],
    });
    const saved = await engine.saveSettingsEntry('hosts', { entry: { name: 'gpu-1', kind: 'ssh', host: 'gpu-1.lab', user: 'alice', agent: true } });
    expect(saved.ok && saved.settings.hosts).toEqual(['local', 'gpu-1']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('hosts:\n  - name: gpu-1\n    kind: ssh\n    host: gpu-1.lab\n    user: alice\n    agent: true\n');
    expect(Object.keys((await engine.settingsFile('hosts')).schemas)).toEqual(['ssh', 'slurm']);
  });
});
