import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { createHostResolver } from '../../main/hosts/index.ts';
import { RunStore } from '../../main/store/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { pipelineGraph, tempDir, writeJsonl } from '../support/engine-fixture.ts';

const run = promisify(execFile);

async function rewatch(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/rewatch.mjs', ...args], { env: { ...process.env, CI: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('rewatch CLI', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let graphPath: string;
  let engineArgs: string[];

  beforeAll(async () => {
    dir = tempDir();
    server = await startScriptedLlmServer({ respond: () => 'fine' });
    const input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: 6 }, (_, n) => ({ n })));
    graphPath = join(dir.path, 'g.rewatch.json');
    writeFileSync(graphPath, graphFileText(pipelineGraph(input, join(dir.path, 'out.jsonl'))));
    const providers = join(dir.path, 'providers.yaml');
    writeFileSync(providers, `providers:\n  - name: test-llm\n    baseURL: ${server.baseURL}\n    model: m\n`);
    engineArgs = ['--data-dir', join(dir.path, 'data'), '--providers', providers];
  });

  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('nodes --json lists each node with its ports and config JSON Schema', async () => {
    const { code, stdout } = await rewatch('nodes', '--json');
    expect(code).toBe(0);
    const catalog = JSON.parse(stdout);
    const llm = catalog.nodes.find((n: { type: string }) => n.type === 'core.llm-map');
    expect(llm.inputs).toEqual([{ name: 'items', dataType: 'Record', description: expect.any(String), optional: false, multiple: false }]);
    expect(llm.configSchema.properties.prompt).toMatchObject({ type: 'string', 'x-kind': 'prompt' });
    expect(llm.configSchema.properties.concurrency).toMatchObject({ default: 16, 'x-semantic': false });
  });

  it('validate exits 1 and lists the errors of an invalid graph', async () => {
    const broken = JSON.parse(readFileSync(graphPath, 'utf8'));
    broken.nodes[1].config.provider = 'nobody';
    broken.edges.pop();
    const brokenPath = join(dir.path, 'broken.rewatch.json');
    writeFileSync(brokenPath, JSON.stringify(broken));
    const { code, stderr } = await rewatch('validate', brokenPath, ...engineArgs);
    expect(code).toBe(1);
    expect(stderr).toContain('ask.provider: unknown provider profile "nobody" (known: test-llm)');
    expect(stderr).toContain('out.items: required input "items" is not connected');
    expect((await rewatch('validate', graphPath, ...engineArgs)).code).toBe(0);
  });

  it('validate names the file and place of a broken graph file', async () => {
    const garbage = join(dir.path, 'garbage.rewatch.json');
    writeFileSync(garbage, '{"format": "rewatch-studio/graph", "version": 1,\n  "name": "x", "nodes": [}');
    const { code, stderr } = await rewatch('validate', garbage, ...engineArgs);
    expect(code).toBe(1);
    expect(stderr).toMatch(/garbage\.rewatch\.json: not valid JSON at line 2/);
  });

  it('validate and run refuse a graph nested 5,000 levels deep, naming the path', async () => {
    const deep = join(dir.path, 'deep.rewatch.json');
    const value = `${'{"a":'.repeat(5000)}0${'}'.repeat(5000)}`;
    writeFileSync(deep, readFileSync(graphPath, 'utf8').replace('"config": {', `"config": {"deep": ${value},`));
    for (const command of ['validate', 'run']) {
      const { code, stderr } = await rewatch(command, deep, ...engineArgs);
      expect(code).toBe(1);
      expect(stderr).toMatch(/deep\.rewatch\.json: nodes\[0 id="src"\]\.config\.deep\.a\.a\.a\.a…: nested deeper than 64 levels/);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('run prints a per-node summary; a second run is all cached; runs lists both; explain says why', async () => {
    const first = await rewatch('run', graphPath, ...engineArgs);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^ask\s+done\s+6\s+0\s+0\s+6\s+0\s+\d+\s+\d+/m);
    expect(server.requests).toHaveLength(6);

    const second = await rewatch('run', graphPath, ...engineArgs);
    expect(second.stdout).toMatch(/^ask\s+cached\s+6\s+6\s+0\s+0/m);
    expect(server.requests).toHaveLength(6);

    const runs = JSON.parse((await rewatch('runs', '--json', ...engineArgs)).stdout);
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['done', 'done']);

    const graph = JSON.parse(readFileSync(graphPath, 'utf8'));
    graph.nodes[1].config.temperature = 0.7;
    writeFileSync(graphPath, graphFileText(graph));
    const explained = await rewatch('explain', graphPath, 'ask', ...engineArgs);
    expect(explained.stdout).toContain('ask: would run');
    expect(explained.stdout).toContain('config "temperature" changed: 0 → 0.7');
  });

  it('run says which secret-looking values its record left out', async () => {
    const input = writeJsonl(join(dir.path, 'few.jsonl'), [{ n: 1 }]);
    const leaky = join(dir.path, 'leaky.rewatch.json');
    const source = { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } };
    writeFileSync(
      leaky,
      graphFileText({ format: 'rewatch-studio/graph', version: 1, name: 'leaky', description: 'key sk-live-0123456789abcdefXYZ', nodes: [source], edges: [] }),
    );
    const { code, stderr } = await rewatch('run', leaky, ...engineArgs);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`${leaky}: note: the run's record removed 1 secret-looking value`);
    expect(stderr).toContain(': description');
    expect(stderr).not.toContain('sk-live');
  });

  it('run --retry-failed runs that map node and what it needs, and refuses a node that has no items', async () => {
    const retried = await rewatch('run', graphPath, '--retry-failed', 'ask', ...engineArgs);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(/^ask\s+(done|cached)\s+6/m);
    expect(retried.stdout).not.toMatch(/^out\s/m);

    const refused = await rewatch('run', graphPath, '--retry-failed', 'src', ...engineArgs);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"src" (core.jsonl-source) is not a map node');
  });

  it('run --sample N --seed S runs on N items of each source, marked as a sample; a full run then asks for the rest only', async () => {
    const sampleArgs = ['--data-dir', join(dir.path, 'sample-data'), ...engineArgs.slice(2)];
    const sent = server.requests.length;
    const sample = await rewatch('run', graphPath, '--sample', '2', '--seed', '3', ...sampleArgs);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toMatch(/^run \S+: done \(sample 2 per source, seed 3\)$/m);
    expect(sample.stdout).toMatch(/^ask\s+done\s+2\s+0\s+0\s+2\s/m);
    expect(server.requests.length - sent).toBe(2);

    const full = await rewatch('run', graphPath, ...sampleArgs);
    expect(full.stdout).toMatch(/^run \S+: done$/m);
    expect(full.stdout).toMatch(/^ask\s+done\s+6\s+2\s+0\s+4\s/m);
    expect(server.requests.length - sent).toBe(6);

    const listed = await rewatch('runs', ...sampleArgs);
    expect(listed.stdout.split('\n').filter((line) => / done /.test(line)).map((line) => line.split(/\s{2,}/).at(-1))).toEqual([
      'all items',
      'sample 2 per source, seed 3',
    ]);
    const runs = JSON.parse((await rewatch('runs', '--json', ...sampleArgs)).stdout);
    expect(runs.map((r: { sample?: unknown }) => r.sample)).toEqual([undefined, { n: 2, seed: 3 }]);

    for (const [flags, message] of [
      [['--sample', '0'], '--sample must be a positive integer, got "0"'],
      [['--sample', 'two'], '--sample must be a positive integer, got "two"'],
      [['--sample', '2', '--seed=-1'], '--seed must be a non-negative integer, got "-1"'],
      [['--seed', '4'], '--seed picks the items of a sample run: use it with --sample N'],
    ] as const) {
      expect(await rewatch('run', graphPath, ...flags, ...sampleArgs)).toMatchObject({ code: 1, stderr: `rewatch: ${message}\n` });
    }
  });

  it('rejects unknown commands and flags with usage', async () => {
    const { code, stderr } = await rewatch('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('usage: rewatch');
    expect((await rewatch('runs', '--bogus')).code).toBe(2);
  });

  it('serve refuses to listen beyond loopback', async () => {
    const { code, stderr } = await rewatch('serve', '--host', '0.0.0.0', ...engineArgs);
    expect(code).toBe(1);
    expect(stderr).toContain('only listens on loopback');
  });

  it('servers lists a model server an earlier session left running, and servers stop stops it', async () => {
    const dataDir = join(dir.path, 'data');
    const hosts = createHostResolver({ hosts: [] }, { dataDir });
    const job = await hosts('local').startJob({ argv: ['sleep', '300'], name: 'vllm org/m' });
    const store = new RunStore(dataDir);
    const spec = {
      profile: 'policy', engine: 'vllm' as const, model: 'org/m', hosts: ['local'], port: 8000, extraArgs: [],
      keepWarm: true, readyTimeoutSec: 60, maxConcurrency: 4,
    };
    store.modelServers.put({ id: 'abc123', host: 'local', jobId: job.id, spec, keepWarm: true, startedAt: 1_700_000_000_000 });
    store.close();

    const listed = await rewatch('servers', '--json', ...engineArgs);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { id: 'abc123', profile: 'policy', engine: 'vllm', model: 'org/m', host: 'local', baseURL: null, keepWarm: true, runIds: [], startedAt: 1_700_000_000_000 },
    ]);
    expect((await rewatch('servers', 'stop', 'abc123', ...engineArgs)).stdout).toBe('stopped model server abc123\n');
    expect((await job.status()).state).toBe('exited');
    expect((await rewatch('servers', ...engineArgs)).stdout).toBe('no model servers are running\n');
    const missing = await rewatch('servers', 'stop', 'abc123', ...engineArgs);
    expect(missing).toMatchObject({ code: 1, stderr: 'rewatch: no model server "abc123"\n' });
    await hosts.close();
  });
});
