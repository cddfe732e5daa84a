import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadGraphFile, saveGraphFile } from '../../main/graph/files.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { withoutSecrets } from '../../main/graph/secrets.ts';
import { catalog, tempDir } from '../support/engine-fixture.ts';

const OPENAI_KEY = 'sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789';
const OTHER_KEY = 'sk-live_0123456789abcdefXYZ';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';

function graphWithSecrets(): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'leaky',
    nodes: [
      {
        id: 'ask',
        type: 'core.llm-map',
        typeVersion: 1,
        label: 'Ask',
        position: { x: 0, y: 0 },
        config: {
          provider: 'default-llm',
          prompt: 'Summarise {{text}}',
          maxTokens: 256,
          apiKey: 'abc123-plain-key',
          apiKeyEnv: 'OPENAI_API_KEY',
          headers: { Authorization: 'Bearer xyz-bearer-value', 'X-Trace': 'on' },
          auth: { user: 'annotator', password: 'hunter2' },
          endpoints: [{ url: 'https://a.example', token: 'tkn-first' }, { url: 'https://b.example' }],
          keys: ['public-value', OPENAI_KEY, ['nested-ok', PEM]],
          note: `for local testing use ${OTHER_KEY} please`,
        },
      },
      {
        id: 'clean',
        type: 'core.filter',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { field: 'tokens', operator: 'gt', value: 3 },
      },
      {
        id: 'pasted',
        type: 'acme.uploader',
        typeVersion: 1,
        position: { x: 400, y: 0 },
        // a key pasted into the env-var field is still a key
        config: { apiKeyEnv: OTHER_KEY, bucket: { name: 'clips', credentials: { secret_access_key: 'wJalrXUtnFEMI' } } },
      },
    ],
    edges: [{ id: 'e1', from: { node: 'ask', port: 'items' }, to: { node: 'clean', port: 'items' } }],
  };
}

const SECRETS = ['abc123-plain-key', 'xyz-bearer-value', 'hunter2', 'tkn-first', OPENAI_KEY, 'sk-proj', 'sk-live', 'BEGIN RSA', 'wJalrXUtnFEMI'];

const EXPECTED_REMOVED = [
  'nodes[ask].config.apiKey',
  'nodes[ask].config.headers.Authorization',
  'nodes[ask].config.auth.password',
  'nodes[ask].config.endpoints[0].token',
  'nodes[ask].config.keys[1]',
  'nodes[ask].config.keys[2][1]',
  'nodes[ask].config.note',
  'nodes[pasted].config.apiKeyEnv',
  'nodes[pasted].config.bucket.credentials.secret_access_key',
];

describe('secrets never reach a graph file', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('rewatch-secrets-');
  });
  afterEach(() => dir.remove());

  it('withoutSecrets removes secret fields and values anywhere in config and says where, without touching its input', () => {
    const graph = graphWithSecrets();
    const before = JSON.stringify(graph);
    const { graph: clean, removed } = withoutSecrets(graph);
    expect(removed).toEqual(EXPECTED_REMOVED);
    expect(JSON.stringify(graph)).toBe(before);
    expect(clean.nodes[0]!.config).toEqual({
      provider: 'default-llm',
      prompt: 'Summarise {{text}}',
      maxTokens: 256,
      apiKeyEnv: 'OPENAI_API_KEY',
      headers: { 'X-Trace': 'on' },
      auth: { user: 'annotator' },
      endpoints: [{ url: 'https://a.example' }, { url: 'https://b.example' }],
      keys: ['public-value', ['nested-ok']],
    });
    expect(clean.nodes[1]).toEqual(graph.nodes[1]);
    expect(clean.nodes[2]!.config).toEqual({ bucket: { name: 'clips', credentials: {} } });
    expect(clean.edges).toEqual(graph.edges);
  });

  it('leaves a graph without secrets as it is', () => {
    const graph = graphWithSecrets();
    graph.nodes = [graph.nodes[1]!];
    const result = withoutSecrets(graph);
    expect(result.removed).toEqual([]);
    expect(result.graph).toBe(graph);
  });

  it('removes secrets from every field of a graph, not only config, and keeps its structure', () => {
    const graph = {
      format: 'rewatch-studio/graph' as const,
      version: 1 as const,
      name: 'shared',
      description: `run with ${OPENAI_KEY}`,
      settings: { video: { fps: 2 }, token: 'tkn-settings' } as GraphFile['settings'],
      owner: { email: 'a@example.org', password: 'hunter2' },
      nodes: [
        {
          id: 'ask',
          type: 'core.llm-map',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          label: `Ask ${OTHER_KEY}`,
          notes: `key: ${OPENAI_KEY}`,
          host: 'gpu-1',
          bearer: 'kept-unknown-key',
          config: { prompt: 'Summarise {{text}}' },
        },
      ],
      edges: [{ id: 'e1', from: { node: 'ask', port: 'items' }, to: { node: 'ask', port: 'items' }, token: 'tkn-edge' }],
    };
    const { graph: clean, removed } = withoutSecrets(graph);
    expect(removed).toEqual([
      'description',
      'settings.token',
      'owner.password',
      'nodes[ask].label',
      'nodes[ask].notes',
      'nodes[ask].bearer',
      'edges[e1].token',
    ]);
    expect(JSON.stringify(clean)).not.toMatch(/hunter2|tkn-|sk-|kept-unknown-key/);
    expect(clean).toEqual({
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'shared',
      settings: { video: { fps: 2 } },
      owner: { email: 'a@example.org' },
      nodes: [{ id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 0, y: 0 }, host: 'gpu-1', config: { prompt: 'Summarise {{text}}' } }],
      edges: [{ id: 'e1', from: { node: 'ask', port: 'items' }, to: { node: 'ask', port: 'items' } }],
    });
  });

  it('saveGraphFile writes a file without any secret and reports each by node id and field path', async () => {
    const path = join(dir.path, 'leaky.rewatch.json');
    const { removedSecrets } = await saveGraphFile(path, graphWithSecrets());
    expect(removedSecrets).toEqual(EXPECTED_REMOVED);

    const text = await readFile(path, 'utf8');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(apiKey|password|token|Authorization)"/);
    expect(text).toContain('"apiKeyEnv": "OPENAI_API_KEY"');
    expect(text).toContain('"maxTokens": 256');
    expect(text).toContain('"field": "tokens"');

    const reloaded = await loadGraphFile(path, catalog.lookup);
    expect(reloaded.graph.nodes[0]!.config).toMatchObject({
      apiKeyEnv: 'OPENAI_API_KEY',
      keys: ['public-value', ['nested-ok']],
      endpoints: [{ url: 'https://a.example' }, { url: 'https://b.example' }],
    });
    // Saving the cleaned graph again finds nothing more.
    expect((await saveGraphFile(path, reloaded.graph)).removedSecrets).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('keeps env var names, empty values and look-alike words', async () => {
    const graph = graphWithSecrets();
    graph.nodes = [
      {
        id: 'refs',
        type: 'core.llm-map',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: {
          apiKeyEnv: 'OPENAI_API_KEY',
          tokenEnv: 'HF_TOKEN',
          password: '',
          prompt: 'Explain what an sk- prefix means, and what a token is.',
          maxTokens: 100,
        },
      },
    ];
    const path = join(dir.path, 'refs.rewatch.json');
    expect((await saveGraphFile(path, graph)).removedSecrets).toEqual([]);
    expect(JSON.parse(await readFile(path, 'utf8')).nodes[0].config).toEqual(graph.nodes[0]!.config);
  });

  it('keeps fields that only look like token fields (tokenizer, maxTokens)', () => {
    const graph = {
      format: 'rewatch-studio/graph' as const,
      version: 1 as const,
      name: 'g',
      nodes: [
        {
          id: 'n',
          type: 'core.llm-map',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          config: { tokenizer: 'gpt2', maxTokens: 64, hf_token: 'abc', accessToken: 'xyz' },
        },
      ],
      edges: [],
    };
    const { graph: clean, removed } = withoutSecrets(graph);
    expect(clean.nodes[0]!.config).toEqual({ tokenizer: 'gpt2', maxTokens: 64 });
    expect([...removed].sort()).toEqual(['nodes[n].config.accessToken', 'nodes[n].config.hf_token']);
  });
});
