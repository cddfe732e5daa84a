import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { JobStore } from '../../main/hosts/job-store.ts';
import type { SshHost } from '../../main/hosts/ssh-host.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import type { Dataset } from '../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../support/engine-fixture.ts';
import { sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import type { EngineProcessSpec } from './engine-process.ts';
import {
  boxHost,
  easyR1Metrics,
  engineWithHosts,
  grpoDataset,
  judgeProviders,
  EASYR1_CONFIG_FIELDS,
  launchGraph,
  leafPaths,
  logsOf,
  trainEngine,
  trainingRunOf,
  type TrainEngine,
} from './harness.ts';
import { acceptsConnections, processAlive, processGroupAlive } from './processes.ts';
import { until } from '../support/until.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!sshdAvailable())('rewatch.grpo-launcher over SSH', () => {
  const dir = tempDir('rewatch-grpo-');
  const dataDir = join(dir.path, 'data');
  let sshd: TestSshd;
  let t: TrainEngine;
  let providers: ProviderProfile[];
  let dataset: Dataset;
  const box = () => t.hosts('box') as SshHost;
  const jobDirs = () => (existsSync(join(sshd.workDir, 'jobs')) ? readdirSync(join(sshd.workDir, 'jobs')) : []);

  beforeAll(async () => {
    sshd = await startSshd();
    providers = judgeProviders(dataDir);
    t = trainEngine(dataDir, sshd, providers);
    dataset = grpoDataset(join(dir.path, 'export'));
  });
  afterAll(async () => {
    await t.engine.close();
    await sshd?.stop();
    dir.remove();
  });

  const config = { command: ['easyr1-train'] };

  it('serves the reward through a reverse tunnel, runs EasyR1 and parses reward, accuracy and KL', async () => {
    const detail = await runToEnd(t.engine, launchGraph('rewatch.grpo-launcher', [dataset], config, 'box'));
    expect(detail.nodes.find((n) => n.nodeId === 'train')?.error ?? null).toBeNull();
    const run = await trainingRunOf(t.engine, detail.runId);
    expect(run).toMatchObject({ trainer: 'easyr1', host: 'box', exitCode: 0 });
    // Only the training steps: not EasyR1's config block nor its step-0 validation block.
    expect(run.metrics).toEqual(easyR1Metrics(3));
    expect(existsSync(join(run.checkpointPath, 'global_step_3', 'actor'))).toBe(true);

    const logs = logsOf(t.events, detail.runId);
    const tunnel = /reachable from box at 127\.0\.0\.1:(\d+)/.exec(logs.join('\n'));
    expect(tunnel).not.toBeNull();
    expect(logs).toContain(`rollout.n=8 video_key=videos rows=2 reward=http://127.0.0.1:${tunnel![1]}`);
    // The server itself answered through the tunnel (the item's caption is unknown to it).
    const answers = logs.filter((l) => l.startsWith('reward server: '));
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatch(/caption-missing/);

    const runDir = join(run.checkpointPath, '..');
    const yaml = readFileSync(join(runDir, 'easyr1.yaml'), 'utf8');
    for (const line of ['prompt_key: problem', 'answer_key: answer', 'reward_function: ./rewatch_reward_easyr1.py:compute_score', 'temperature: 0.8', 'top_p: 0.9', 'max_pixels: 100352']) {
      expect(yaml).toContain(line);
    }
    const unknown = leafPaths(YAML.parse(yaml) as object).filter((path) => !EASYR1_CONFIG_FIELDS.fields.includes(path));
    expect(unknown).toEqual([]);
    // EasyR1 has no frame cap: the job starts with its run folder, holding the cap for qwen-vl-utils, on PYTHONPATH.
    expect(readFileSync(join(runDir, 'sitecustomize.py'), 'utf8')).toContain('MAX_FRAMES = 192\n');
    expect(readFileSync(join(sshd.workDir, 'jobs', run.jobId, 'command'), 'utf8')).toBe(
      `sh -c 'PYTHONPATH="$PWD\${PYTHONPATH:+:$PYTHONPATH}" exec "$@"' sh easyr1-train 'config=easyr1.yaml'\n`,
    );
  });

  it('a failed trainer fails the node with the log tail', async () => {
    const detail = await runToEnd(t.engine, launchGraph('rewatch.grpo-launcher', [dataset], { ...config, extraArgs: ['fake_fail=1'] }, 'box'));
    expect(detail.status).toBe('failed');
    const error = detail.nodes.find((n) => n.nodeId === 'train')!.error!;
    expect(error).toMatch(/easyr1 job \S+ on box exited with 1/);
    expect(error).toContain('RayTaskError: rollout worker died');
  });

  it('after the app is killed mid-training, a new engine re-attaches to the running job and follows it to the end', async () => {
    // The app of this test has a data dir of its own: the killed process's, then the new engine's.
    const appDir = join(dir.path, 'killed-app');
    const appProviders = judgeProviders(appDir);
    const gate = join(sshd.workDir, 'reattach-gate');
    const graph = launchGraph('rewatch.grpo-launcher', [dataset], { ...config, extraArgs: ['fake_steps=5', `fake_gate=${gate}`] }, 'box');
    const before = jobDirs();

    const spec: EngineProcessSpec = { dataDir: appDir, hosts: [boxHost(sshd)], providers: appProviders, graph };
    const app = spawn(process.execPath, ['scripts/rewatch-tsx.mjs', 'test/train/engine-process.ts', JSON.stringify(spec)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const appLogs: string[] = [];
    let appErrors = '';
    createInterface({ input: app.stdout! }).on('line', (line) => appLogs.push(JSON.parse(line) as string));
    app.stderr!.on('data', (chunk: Buffer) => (appErrors += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => app.once('exit', (_code, signal) => resolve(signal)));
    // The trainer waits at the gate after step 2: it is still running when the app dies and when it comes back.
    await until(() => appLogs.includes('Step 2') || app.exitCode !== null, () => `the app never logged step 2:\n${appErrors}`);
    app.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const started = jobDirs().filter((id) => !before.includes(id));
    expect(started).toHaveLength(1);
    const jobId = started[0]!;
    const group = Number(readFileSync(join(sshd.workDir, 'jobs', jobId, 'pid'), 'utf8'));
    expect(processGroupAlive(group)).toBe(true);
    expect(existsSync(join(sshd.workDir, 'jobs', jobId, 'exit-code'))).toBe(false);

    const again = engineWithHosts(appDir, [boxHost(sshd)], appProviders);
    try {
      const { runId } = await again.engine.startRun({ graph });
      await until(() => logsOf(again.events, runId).some((l) => l.startsWith(`re-attached to job ${jobId}`)));
      writeFileSync(gate, '');
      expect(await again.engine.waitForRun(runId)).toBe('done');

      const run = await trainingRunOf(again.engine, runId);
      expect(run).toMatchObject({ jobId, exitCode: 0 });
      expect(run.metrics).toEqual(easyR1Metrics(5));
      expect(existsSync(join(run.checkpointPath, 'global_step_5', 'actor'))).toBe(true);
      // No second job: none on the host, none in the app's job store.
      expect(jobDirs().filter((id) => !before.includes(id))).toEqual([jobId]);
      expect(new JobStore(join(appDir, 'jobs.json')).list('box').map((j) => j.id)).toEqual([jobId]);

      // The re-attached run streamed the whole log once, in order: every line of the job's log file, no more.
      const logs = logsOf(again.events, runId);
      const streamed = logs.slice(logs.findIndex((l) => l.startsWith('re-attached to job')) + 1, logs.findIndex((l) => l.startsWith('checkpoints in')));
      const file = readFileSync(join(sshd.workDir, 'jobs', jobId, 'log'), 'utf8').split('\n').filter((l) => l.trim());
      expect(streamed).toEqual(file);
      // Steps 3 to 5 reached the reward server through the tunnel the new engine opened on the job's port and token.
      expect(streamed.filter((l) => l.startsWith('reward server: '))).toHaveLength(5);
      expect(appLogs.filter((l) => l.startsWith('reward server: '))).toHaveLength(2);

      // Once it has finished, a re-run re-attaches to it without serving the reward again.
      const rerun = await runToEnd(again.engine, graph);
      const rerunLogs = logsOf(again.events, rerun.runId);
      expect(rerunLogs.some((l) => l.startsWith(`re-attached to job ${jobId}`))).toBe(true);
      expect(rerunLogs.some((l) => l.startsWith('reward server on port'))).toBe(false);
      expect((await trainingRunOf(again.engine, rerun.runId)).metrics).toEqual(easyR1Metrics(5));
    } finally {
      await again.engine.close();
    }
  });

  it('closing the app leaves the trainer running and charts its steps live; the next session re-attaches', async () => {
    const appDir = join(dir.path, 'closed-app');
    const appProviders = judgeProviders(appDir);
    const gate = join(sshd.workDir, 'close-gate');
    const graph = launchGraph('rewatch.grpo-launcher', [dataset], { ...config, extraArgs: ['fake_steps=4', `fake_gate=${gate}`] }, 'box');
    const first = engineWithHosts(appDir, [boxHost(sshd)], appProviders);
    const { runId } = await first.engine.startRun({ graph });
    // Step 1 is complete once step 2 starts: the live chart has it before the job ends.
    await until(() => first.events.some((e) => e.type === 'node-metric' && e.runId === runId && e.metric.point.step === 1));
    const { jobId } = JSON.parse(readFileSync(join(appDir, 'work', runId, 'train', 'job.json'), 'utf8')) as { jobId: string };
    await first.engine.close();
    expect(logsOf(first.events, runId)).toContain(`left job ${jobId} running on box; the next run of this node re-attaches to it`);
    const group = Number(readFileSync(join(sshd.workDir, 'jobs', jobId, 'pid'), 'utf8'));
    expect(processGroupAlive(group)).toBe(true);

    const second = engineWithHosts(appDir, [boxHost(sshd)], appProviders);
    try {
      expect((await second.engine.getRun(runId)).status).toBe('interrupted');
      // What the closed session charted is kept with its run.
      const kept = await second.engine.nodeMetrics(runId, 'train');
      expect(kept[0]).toEqual({ seq: 0, point: easyR1Metrics(4)[0] });

      const { runId: again } = await second.engine.startRun({ graph });
      await until(() => logsOf(second.events, again).some((l) => l.startsWith(`re-attached to job ${jobId}`)));
      writeFileSync(gate, '');
      expect(await second.engine.waitForRun(again)).toBe('done');
      const live = second.events.flatMap((e) => (e.type === 'node-metric' && e.runId === again ? [e.metric] : []));
      expect(live.map((m) => m.point)).toEqual(easyR1Metrics(4));
      expect(await second.engine.nodeMetrics(again, 'train')).toEqual(live);
      expect(live.map((m) => m.seq)).toEqual([0, 1, 2, 3]);
    } finally {
      await second.engine.close();
    }
  });

  it("cancelling the run kills the trainer's process group and closes the reward server and its tunnel", async () => {
    const gate = join(sshd.workDir, 'never-opened');
    const graph = launchGraph('rewatch.grpo-launcher', [dataset], { ...config, extraArgs: [`fake_gate=${gate}`] }, 'box');
    const { runId } = await t.engine.startRun({ graph });
    await until(() => logsOf(t.events, runId).includes('Step 2'));
    const logs = logsOf(t.events, runId).join('\n');
    const [, server, tunnel] = /reward server on port (\d+), reachable from box at 127\.0\.0\.1:(\d+)/.exec(logs)!.map(Number);
    const worker = Number(/\(WorkerDict pid=(\d+)\)/.exec(logs)![1]);
    const { jobId } = JSON.parse(readFileSync(join(dataDir, 'work', runId, 'train', 'job.json'), 'utf8')) as { jobId: string };
    const group = Number(readFileSync(join(sshd.workDir, 'jobs', jobId, 'pid'), 'utf8'));
    expect(processGroupAlive(group)).toBe(true);
    expect(processAlive(worker)).toBe(true);
    expect(await acceptsConnections(tunnel!)).toBe(true);
    expect(await acceptsConnections(server!)).toBe(true);

    await t.engine.cancelRun(runId);
    expect(await t.engine.waitForRun(runId)).toBe('cancelled');
    expect(await (await box().attachJob(jobId)).status()).toEqual({ state: 'exited', code: 143 });
    expect(logsOf(t.events, runId).some((l) => l.startsWith(`cancelled job ${jobId}`))).toBe(true);
    expect(processGroupAlive(group)).toBe(false);
    expect(processAlive(worker)).toBe(false);
    expect(await acceptsConnections(tunnel!)).toBe(false);
    expect(await acceptsConnections(server!)).toBe(false);
  });
});
