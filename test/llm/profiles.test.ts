import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProviderFile, providerProfileSchema, resolveProfile } from '../../main/llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { testClient, user } from './helpers.ts';

describe('provider profiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rewatch-llm-profiles-'));
  });

  it('loads JSON and applies defaults', async () => {
    const file = join(dir, 'providers.json');
    await writeFile(file, JSON.stringify({ providers: [{ name: 'vllm', baseURL: 'http://localhost:8000/v1', model: 'qwen' }] }));
    const { providers } = await loadProviderFile(file);
    expect(providers).toEqual([
      { name: 'vllm', baseURL: 'http://localhost:8000/v1', model: 'qwen', maxConcurrency: 8, timeoutMs: 120_000, maxRetries: 4, structuredOutputs: true },
    ]);
  });

  it('loads YAML', async () => {
    const file = join(dir, 'providers.yaml');
    await writeFile(
      file,
      'providers:\n  - name: api\n    baseURL: https://api.example.com/v1\n    model: gpt\n    apiKeyEnv: EXAMPLE_API_KEY\n    requestsPerMinute: 60\n',
    );
    const { providers } = await loadProviderFile(file);
    expect(providers[0]).toMatchObject({ name: 'api', apiKeyEnv: 'EXAMPLE_API_KEY', requestsPerMinute: 60, maxRetries: 4 });
  });

  it('names the file and the field in errors', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        providers: [
          { name: 'a', baseURL: 'http://localhost:1/v1', model: 'm' },
          { name: 'b', baseURL: 'not a url', model: 'm', maxConcurrency: 0 },
        ],
      }),
    );
    const error = await loadProviderFile(file).catch((e: Error) => e);
    expect((error as Error).message).toContain(`${file}: providers[1].baseURL: Invalid URL`);
    expect((error as Error).message).toContain('providers[1].maxConcurrency:');
  });

  it('refuses a key written inline (apiKey, api_key, key, token), naming the file and the profile, and says to use apiKeyEnv', async () => {
    for (const field of ['apiKey', 'api_key', 'key', 'token']) {
      const file = join(dir, `inline-${field}.yaml`);
      await writeFile(
        file,
        `providers:\n  - {name: local, baseURL: "http://x/v1", model: m}\n  - {name: judge-llm, baseURL: "http://y/v1", model: m, ${field}: sk-live-123}\n`,
      );
      const message = ((await loadProviderFile(file).catch((e: Error) => e)) as Error).message;
      expect(message).toContain(`${file}: providers[1].${field}: profile "judge-llm" holds its key inline`);
      expect(message).toContain('apiKeyEnv');
      expect(message).not.toContain('sk-live-123');
    }
  });

  it('rejects duplicate names, keys in apiKeyEnv and unparsable files', async () => {
    const dup = join(dir, 'dup.yaml');
    await writeFile(dup, 'providers:\n  - {name: a, baseURL: "http://x/v1", model: m}\n  - {name: a, baseURL: "http://y/v1", model: m}\n');
    await expect(loadProviderFile(dup)).rejects.toThrow(/providers\[1\]\.name: duplicate profile name "a"/);

    const key = join(dir, 'key.json');
    await writeFile(key, JSON.stringify({ providers: [{ name: 'a', baseURL: 'http://x/v1', model: 'm', apiKeyEnv: 'sk-abc123-def' }] }));
    await expect(loadProviderFile(key)).rejects.toThrow(/providers\[0\]\.apiKeyEnv: must be the name of an environment variable/);

    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"providers": [');
    await expect(loadProviderFile(broken)).rejects.toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot parse`));
  });

  it('names the known profiles when one is unknown', () => {
    const profiles = ['a', 'b'].map((name) => providerProfileSchema.parse({ name, baseURL: 'http://x/v1', model: 'm' }));
    expect(resolveProfile(profiles, 'b').name).toBe('b');
    expect(() => resolveProfile(profiles, 'x')).toThrow('unknown provider profile "x" (known: a, b)');
  });
});

describe('API keys', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer({ respond: () => 'ok' });
  });
  afterAll(() => server.close());

  it('sends "EMPTY" when the profile names no key variable', async () => {
    const { gateway } = testClient(server.baseURL);
    await gateway().complete({ profile: 'local', messages: user('no key') });
    expect(server.requests.at(-1)?.authorization).toBe('Bearer EMPTY');
  });

  it('reads the key from the named env var', async () => {
    const { gateway } = testClient(server.baseURL, { apiKeyEnv: 'TEST_LLM_KEY' }, { env: { TEST_LLM_KEY: 'sk-from-env' } });
    await gateway().complete({ profile: 'local', messages: user('with key') });
    expect(server.requests.at(-1)?.authorization).toBe('Bearer sk-from-env');
  });

  it('warns once when the named env var is missing, and sends "EMPTY"', async () => {
    const warnings: string[] = [];
    const { gateway } = testClient(server.baseURL, { apiKeyEnv: 'TEST_LLM_MISSING' }, { env: {}, warn: (m) => warnings.push(m) });
    await gateway().complete({ profile: 'local', messages: user('one') });
    await gateway().complete({ profile: 'local', messages: user('two') });
    expect(server.requests.at(-1)?.authorization).toBe('Bearer EMPTY');
    expect(warnings).toEqual([
      'provider profile "local": environment variable TEST_LLM_MISSING is not set; sending the placeholder key "EMPTY"',
    ]);
  });
});
