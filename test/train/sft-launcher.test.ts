import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshHost } from '../../main/hosts/ssh-host.ts';
import type { TrainingRun } from '../../nodes/rewatch/train/types.ts';
import { runToEnd, tempDir } from '../support/engine-fixture.ts';
import { FAKE_TOOLS_DIR, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import { launchGraph, logsOf, sftDataset, trainEngine, type TrainEngine } from './harness.ts';
import { until } from '../support/until.ts';

async function runOf(t: TrainEngine, runId: string): Promise<TrainingRun> {
  const page = await t.engine.nodeOutput(runId, 'train', 'run', { limit: 10 });
  expect(page.items).toHaveLength(1);
  return page.items[0]!.data as TrainingRun;
}

function expectTrained(run: TrainingRun, host: string) {
  expect(run).toMatchObject({ trainer: 'llamafactory', host, exitCode: 0 });
  expect(run.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(run.metrics[0]).toEqual({ step: 1, loss: 2, learningRate: expect.closeTo(2e-5 * (1 - 1 / 9), 8), epoch: 0.12 });
  expect(run.metrics[7]!.loss).toBeCloseTo(0.25, 4);
  expect(existsSync(join(run.checkpointPath, 'checkpoint-8', 'config.json'))).toBe(true);
}

describe('rewatch.sft-launcher on this machine', () => {
  const dir = tempDir('rewatch-sft-local-');
  let t: TrainEngine;
  const path = process.env.PATH;
  beforeAll(() => {
    t = trainEngine(join(dir.path, 'data'));
    process.env.PATH = `${FAKE_TOOLS_DIR}:${path}`; // the local host's jobs inherit this process's PATH
  });
  afterAll(async () => {
    process.env.PATH = path;
    await t.engine.close();
    dir.remove();
  });

  it('trains with the fake llamafactory-cli and outputs the run with its metrics', async () => {
    const detail = await runToEnd(t.engine, launchGraph('rewatch.sft-launcher', [sftDataset(join(dir.path, 'export'))], { learningRate: 2e-5 }));
    expect(detail.nodes.find((n) => n.nodeId === 'train')?.error ?? null).toBeNull();
    expect(detail.status).toBe('done');
    const run = await runOf(t, detail.runId);
    expectTrained(run, 'local');
    expect(run.checkpointPath).toBe(join(dir.path, 'data', 'hosts', 'local', 'train', run.checkpointPath.split('/').at(-2)!, 'output'));
  });
});

describe.skipIf(!sshdAvailable())('rewatch.sft-launcher over SSH', () => {
  const dir = tempDir('rewatch-sft-ssh-');
  let sshd: TestSshd;
  let t: TrainEngine;
  let dataset: ReturnType<typeof sftDataset>;
  const box = () => t.hosts('box') as SshHost;

  beforeAll(async () => {
    sshd = await startSshd();
    t = trainEngine(join(dir.path, 'data'), sshd);
    dataset = sftDataset(join(dir.path, 'export'));
  });
  afterAll(async () => {
    await t.engine.close();
    await sshd?.stop();
    dir.remove();
  });

  it('uploads data and videos, runs the job detached, streams the log and parses the metrics', async () => {
    const detail = await runToEnd(t.engine, launchGraph('rewatch.sft-launcher', [dataset], { learningRate: 2e-5 }, 'box'));
    expect(detail.nodes.find((n) => n.nodeId === 'train')?.error ?? null).toBeNull();
    const run = await runOf(t, detail.runId);
    expectTrained(run, 'box');
    expect(run.checkpointPath.startsWith(`${sshd.workDir}/train/`)).toBe(true);
    // data + dataset_info + yaml + two videos, each its own blob
    expect(box().stats.uploads).toBe(5);
    const logs = logsOf(t.events, detail.runId);
    expect(logs).toContain('[INFO|loader.py] Loaded 2 examples from rewatch_sft.json');
    expect(logs.filter((l) => l.startsWith("{'loss'"))).toHaveLength(8);
    const progress = t.events.filter((e) => e.type === 'node-progress' && e.runId === detail.runId && e.nodeId === 'train');
    expect(progress.at(-1)).toMatchObject({ done: 8, total: 8 });
    // The job ran where the data was staged, from the YAML the node wrote.
    const runDir = join(run.checkpointPath, '..');
    expect(readFileSync(join(sshd.workDir, 'jobs', run.jobId, 'command'), 'utf8')).toBe("llamafactory-cli train train.yaml\n");
    const yaml = readFileSync(join(runDir, 'train.yaml'), 'utf8');
    expect(yaml).toContain('model_name_or_path: Qwen/Qwen2.5-VL-7B-Instruct');
    expect(yaml).toMatch(/video_fps: 2\n[\s\S]*video_maxlen: 192\n[\s\S]*video_max_pixels: 100352/); // the paper’s budget by default
    const staged = JSON.parse(readFileSync(join(runDir, 'rewatch_sft.json'), 'utf8')) as Array<{ videos: string[] }>;
    expect(staged[0]!.videos[0]!.startsWith(`${sshd.workDir}/blobs/`)).toBe(true);
  });

  it('a re-run re-attaches to the finished job; a changed setting uploads only the new YAML', async () => {
    const uploads = box().stats.uploads;
    const first = await runToEnd(t.engine, launchGraph('rewatch.sft-launcher', [dataset], { learningRate: 2e-5 }, 'box'));
    const again = await runOf(t, first.runId);
    expect(box().stats.uploads).toBe(uploads);
    expect(readdirSync(join(sshd.workDir, 'jobs'))).toHaveLength(1);
    expect(logsOf(t.events, first.runId).some((l) => l.startsWith(`re-attached to job ${again.jobId}`))).toBe(true);
    expectTrained(again, 'box');

    const changed = await runToEnd(t.engine, launchGraph('rewatch.sft-launcher', [dataset], { learningRate: 2e-5, epochs: 1 }, 'box'));
    const other = await runOf(t, changed.runId);
    expect(other.jobId).not.toBe(again.jobId);
    expect(box().stats.uploads).toBe(uploads + 1);
  });

  it('passes an output folder full of shell metacharacters through literally', async () => {
    const odd = join(sshd.workDir, "out $(touch /tmp/rewatch-pwned) 'q' ; `id` *");
    const detail = await runToEnd(t.engine, launchGraph('rewatch.sft-launcher', [dataset], { learningRate: 2e-5, outputDir: odd }, 'box'));
    expect(detail.nodes.find((n) => n.nodeId === 'train')?.error ?? null).toBeNull();
    const run = await runOf(t, detail.runId);
    expect(run.checkpointPath).toBe(odd);
    expect(existsSync(join(odd, 'checkpoint-8', 'config.json'))).toBe(true);
    expect(existsSync('/tmp/rewatch-pwned')).toBe(false);
  });

  it('a failed training fails the node with the last lines of the log', async () => {
    const detail = await runToEnd(t.engine, launchGraph('rewatch.sft-launcher', [dataset], { extra: { fake_fail: true } }, 'box'));
    expect(detail.status).toBe('failed');
    const error = detail.nodes.find((n) => n.nodeId === 'train')!.error!;
    expect(error).toMatch(/llamafactory job \S+ on box exited with 1/);
    expect(error).toContain('torch.OutOfMemoryError: CUDA out of memory');
    expect(error).toContain("{'loss': 1.0000");
  });

  it('cancelling the run kills the job on the host', async () => {
    const graph = launchGraph('rewatch.sft-launcher', [dataset], { extra: { fake_steps: 400 } }, 'box');
    const { runId } = await t.engine.startRun({ graph });
    await until(() => logsOf(t.events, runId).some((l) => l.startsWith("{'loss'")), "the trainer's first loss line");
    const jobId = JSON.parse(readFileSync(join(dir.path, 'data', 'work', runId, 'train', 'job.json'), 'utf8')).jobId as string;
    await t.engine.cancelRun(runId);
    expect(await t.engine.waitForRun(runId)).toBe('cancelled');
    const job = await box().attachJob(jobId);
    expect(await job.status()).toEqual({ state: 'exited', code: 143 });
    expect(logsOf(t.events, runId).some((l) => l.startsWith(`cancelled job ${jobId}`))).toBe(true);
  });
});
