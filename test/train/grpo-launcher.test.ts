import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../nodes/rewatch/types.ts';
import type { TrainingRun } from '../../nodes/rewatch/train/types.ts';
import { runToEnd, tempDir } from '../support/engine-fixture.ts';
import { sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import { launchGraph, logsOf, trainEngine, type TrainEngine } from './harness.ts';

function grpoDataset(dir: string): Dataset {
  mkdirSync(dir, { recursive: true });
  const video = join(dir, 'clip.mp4');
  writeFileSync(video, 'not really a video');
  const row = (id: string) => ({
    problem: '<video>How many cats jump?\nA. one\nB. two',
    answer: JSON.stringify({ answer: 'A', caption_id: 'caption-missing', question_id: id, type: 'counting', question: 'How many cats jump?' }),
    videos: [video],
  });
  writeFileSync(join(dir, 'train.jsonl'), `${JSON.stringify(row('q1'))}\n${JSON.stringify(row('q2'))}\n`);
  writeFileSync(join(dir, 'val.jsonl'), `${JSON.stringify(row('q3'))}\n`);
  const file = (name: string, rows: number) => ({ path: join(dir, name), rows, bytes: 0, sha256: '' });
  return { format: 'easyr1', rows: { train: 2, val: 1 }, files: [file('train.jsonl', 2), file('val.jsonl', 1)], sample: [] };
}

describe.skipIf(!sshdAvailable())('rewatch.grpo-launcher over SSH', () => {
  const dir = tempDir('rewatch-grpo-');
  const dataDir = join(dir.path, 'data');
  let sshd: TestSshd;
  let t: TrainEngine;
  let dataset: Dataset;

  beforeAll(async () => {
    sshd = await startSshd();
    mkdirSync(dataDir, { recursive: true });
    // The reward server reads the data dir's profiles and needs a judge to start; these items never reach it (their
    // caption is unknown). The engine gets the same profile for validation.
    writeFileSync(join(dataDir, 'providers.yaml'), 'providers:\n  - { name: judge-llm, baseURL: "http://127.0.0.1:9/v1", model: judge }\n');
    t = trainEngine(dataDir, sshd, [{ name: 'judge-llm', baseURL: 'http://127.0.0.1:9/v1', model: 'judge', maxConcurrency: 1, timeoutMs: 1000, maxRetries: 0 }]);
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
    const run = (await t.engine.nodeOutput(detail.runId, 'train', 'run', { limit: 1 })).items[0]!.data as TrainingRun;
    expect(run).toMatchObject({ trainer: 'easyr1', host: 'box', exitCode: 0 });
    expect(run.metrics).toEqual([1, 2, 3].map((step) => ({
      step,
      reward: expect.closeTo(step / 10, 3),
      accuracy: step / 4,
      kl: expect.closeTo(step / 1000, 4),
      loss: expect.closeTo(0.5 / step, 4),
      learningRate: 1e-6,
    })));
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
    for (const line of ['prompt_key: problem', 'answer_key: answer', 'reward_type: batch', 'reward_function: ./rewatch_reward_easyr1.py:compute_score', 'temperature: 0.8', 'top_p: 0.9']) {
      expect(yaml).toContain(line);
    }
    expect(readFileSync(join(sshd.workDir, 'jobs', run.jobId, 'command'), 'utf8')).toBe("easyr1-train 'config=easyr1.yaml'\n");
  });

  it('a failed trainer fails the node with the log tail', async () => {
    const detail = await runToEnd(t.engine, launchGraph('rewatch.grpo-launcher', [dataset], { ...config, extraArgs: ['fake_fail=1'] }, 'box'));
    expect(detail.status).toBe('failed');
    const error = detail.nodes.find((n) => n.nodeId === 'train')!.error!;
    expect(error).toMatch(/easyr1 job \S+ on box exited with 1/);
    expect(error).toContain('RayTaskError: rollout worker died');
  });
});
