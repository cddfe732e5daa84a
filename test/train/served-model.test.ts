import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../main/api/contract.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { createHostResolver } from '../../main/hosts/index.ts';
import { JobStore } from '../../main/hosts/job-store.ts';
import { catalog, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { freePort, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';

/** Every job the app started on a host, from the data dir's job records. */
const jobIds = (dataDir: string, host: string) => JobStore.forDataDir(dataDir).list(host).map((j) => j.id);

describe.skipIf(!sshdAvailable())('rewatch.model-server: a model served for the run that needs it', () => {
  const dir = tempDir('rewatch-served-');
  const dataDir = join(dir.path, 'data');
  let sshd: TestSshd;
  let engine: Engine;
  let port: number;
  const events: RunEvent[] = [];
  const originalPath = process.env.PATH;

  const open = () => {
    const hosts = createHostResolver({ hosts: [{ name: 'box', kind: 'ssh' as const, ...sshd.login() }] }, { dataDir });
    // A settings profile the graph must not shadow.
    const e = new Engine({ dataDir, catalog, providers: [profile('judge-llm', 'http://127.0.0.1:9/v1')], hosts, modelServerPollMs: 100 });
    e.subscribe((event) => events.push(event));
    return e;
  };

  const logs = (runId: string, nodeId: string) =>
    events.flatMap((e) => (e.type === 'node-log' && e.runId === runId && e.nodeId === nodeId ? [e.message] : []));

  /** The graph's frame budget: the server accepts that many images per request. */
  const FRAMES = 48;

  function graph(server: Record<string, unknown>, prompt = 'Describe {{n}}.'): GraphFile {
    return {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'served',
      settings: { video: { maxFrames: FRAMES } },
      nodes: [
        { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: join(dir.path, 'items.jsonl') } },
        { id: 'policy', type: 'rewatch.model-server', typeVersion: 1, position: { x: 0, y: 200 }, config: { profile: 'policy', port, ...server } },
        { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 200, y: 0 }, config: { provider: 'policy', prompt, concurrency: 4 } },
      ],
      edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } }],
    };
  }

  const answers = async (runId: string) =>
    (await engine.nodeOutput(runId, 'ask', 'items', { limit: 100 })).items.map((i) => (i.data as { output: string }).output);

  beforeAll(async () => {
    sshd = await startSshd();
    // The local host runs the same fake `vllm` as the SSH host.
    process.env.PATH = `${sshd.binDir}:${originalPath}`;
    port = await freePort();
    writeJsonl(join(dir.path, 'items.jsonl'), [1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    engine = open();
  });
  afterAll(async () => {
    await engine?.close();
    await sshd?.stop();
    process.env.PATH = originalPath;
    dir.remove();
  });

  it('starts one replica per host when a node calls the profile, spreads the requests, and stops them after the run', async () => {
    const detail = await runToEnd(engine, graph({ model: 'org/policy-7b', hosts: ['box', 'local'] }));
    expect(detail.status).toBe('done');
    // Topological order follows the implied edge: the server node ran before the node calling its profile.
    expect(detail.nodes.map((n) => n.nodeId).indexOf('policy')).toBeLessThan(detail.nodes.map((n) => n.nodeId).indexOf('ask'));

    const replies = await answers(detail.runId);
    expect(replies).toHaveLength(6);
    for (const [i, reply] of replies.entries()) {
      expect(reply).toMatch(new RegExp(`^model=org/policy-7b limit=\\{"image": ${FRAMES}, "video": 1\\} port=(${port}|${port + 1}) said=Describe ${i + 1}\\.$`));
    }
    // Concurrent requests went to both replicas (box on `port`, local on `port + 1`).
    expect(new Set(replies.map((r) => /port=(\d+)/.exec(r)![1]))).toEqual(new Set([String(port), String(port + 1)]));

    const serverLog = logs(detail.runId, 'policy');
    expect(serverLog.filter((l) => l.startsWith('starting vllm for org/policy-7b'))).toHaveLength(2);
    expect(serverLog.filter((l) => /^vllm on "(box|local)" is ready after/.test(l))).toHaveLength(2);
    // Not kept warm: both jobs were stopped when the run ended, and the engine lists no server.
    expect(await engine.modelServers()).toEqual([]);
    const boxJobs = jobIds(dataDir, 'box');
    expect(boxJobs).toHaveLength(1);
    const hosts = createHostResolver({ hosts: [{ name: 'box', kind: 'ssh' as const, ...sshd.login() }] }, { dataDir });
    expect((await (await hosts('box').attachJob(boxJobs[0]!)).status()).state).toBe('exited');
    await hosts.close();
  });

  it('a re-run takes every answer from the cache and starts no server; keepWarm alone changes nothing', async () => {
    const jobsBefore = jobIds(dataDir, 'box').length;
    for (const keepWarm of [false, true]) {
      const detail = await runToEnd(engine, graph({ model: 'org/policy-7b', hosts: ['box', 'local'], keepWarm }));
      expect(detail.nodes.find((n) => n.nodeId === 'ask')).toMatchObject({ state: 'cached', llmCalls: 0 });
      expect(logs(detail.runId, 'policy')).toEqual([]);
    }
    expect(jobIds(dataDir, 'box')).toHaveLength(jobsBefore);
    expect(await engine.modelServers()).toEqual([]);
  });

  it('serving another model re-runs the callers, and explain says why', async () => {
    const changed = graph({ model: 'org/policy-7b', hosts: ['box'], extraArgs: ['--dtype', 'bfloat16'] });
    const [before] = await engine.explain(changed, 'ask');
    expect(before!.changes.map((c) => c.message)).toEqual(['the model served as profile "policy" will change: "policy" runs first']);
    // Once the server node has run, the caller's own key says what changed.
    await runToEnd(engine, changed, { until: 'policy' });
    const [after] = await engine.explain(changed, 'ask');
    expect(after!.changes.map((c) => c.message)).toEqual([
      'the model served as profile "policy" by "policy" changed (model, engine or server arguments)',
    ]);
    const detail = await runToEnd(engine, changed);
    expect(detail.nodes.find((n) => n.nodeId === 'ask')).toMatchObject({ state: 'done', llmCalls: 6, llmCached: 0 });
  });

  it('a warm server outlives the run and the engine; the next session re-attaches to it, and Stop stops it', async () => {
    const warm = graph({ model: 'org/policy-7b', hosts: ['box'], keepWarm: true }, 'Warm {{n}}.');
    const first = await runToEnd(engine, warm);
    expect(first.status).toBe('done');
    const [server] = await engine.modelServers();
    expect(server).toMatchObject({ profile: 'policy', engine: 'vllm', model: 'org/policy-7b', host: 'box', keepWarm: true, runIds: [] });
    expect(server!.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const jobsAfterFirst = jobIds(dataDir, 'box');

    await engine.close();
    engine = open();
    const listed = await engine.modelServers();
    expect(listed).toEqual([{ ...server!, baseURL: null }]);

    const second = await runToEnd(engine, graph({ model: 'org/policy-7b', hosts: ['box'], keepWarm: true }, 'Again {{n}}.'));
    expect(second.status).toBe('done');
    expect(logs(second.runId, 'policy')).toEqual([expect.stringMatching(/^re-attached to vllm on "box" \(job /)]);
    expect(jobIds(dataDir, 'box')).toEqual(jobsAfterFirst);
    expect((await answers(second.runId))[0]).toBe(`model=org/policy-7b limit={"image": ${FRAMES}, "video": 1} port=${port} said=Again 1.`);

    expect(await engine.stopModelServer(server!.id)).toEqual({ stopped: true });
    expect(await engine.modelServers()).toEqual([]);
    const hosts = createHostResolver({ hosts: [{ name: 'box', kind: 'ssh' as const, ...sshd.login() }] }, { dataDir });
    expect((await (await hosts('box').attachJob(jobsAfterFirst.at(-1)!)).status()).state).toBe('exited');
    await hosts.close();
    await expect(engine.stopModelServer(server!.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a server that dies while loading fails the callers with its log, and leaves nothing running', async () => {
    const detail = await runToEnd(engine, graph({ model: 'org/broken', hosts: ['box'], extraArgs: ['--bogus'] }));
    expect(detail.status).toBe('failed');
    const errors = await engine.nodeErrors(detail.runId, 'ask', {});
    expect(errors.total).toBe(6);
    expect(errors.errors[0]!.message).toMatch(/vllm on box exited \(1\) before it was ready:[\s\S]*ValueError: --bogus/);
    // One start for all six items, not one per item.
    expect(logs(detail.runId, 'policy').filter((l) => l.startsWith('starting vllm'))).toHaveLength(1);
    expect(await engine.modelServers()).toEqual([]);
  });

  it('validation: a served name may not shadow a settings profile, hosts must exist, and callers pull the server into --until', async () => {
    const shadow = graph({ model: 'm', profile: 'judge-llm' });
    shadow.nodes[2]!.config.provider = 'judge-llm';
    const result = await engine.validate(shadow);
    expect(result.errors).toContainEqual({
      nodeId: 'policy',
      field: 'profile',
      message: '"judge-llm" is already a provider profile of the settings; serve this model under another name',
    });

    const unknownHost = await engine.validate(graph({ model: 'm', hosts: ['box', 'gpu-9'] }));
    expect(unknownHost.errors).toEqual([{ nodeId: 'policy', field: 'hosts', message: 'unknown host "gpu-9"' }]);

    const unknownProfile = graph({ model: 'm' });
    unknownProfile.nodes[2]!.config.provider = 'polcy';
    expect((await engine.validate(unknownProfile)).errors).toEqual([
      { nodeId: 'ask', field: 'provider', message: 'unknown provider profile "polcy" (known: judge-llm, policy)' },
    ]);

    const badHost = graph({ model: 'm', hosts: ['gpu-9'] });
    await expect(engine.startRun({ graph: badHost, until: 'ask' })).rejects.toThrow(/policy\.hosts: unknown host "gpu-9"/);
  });
});
