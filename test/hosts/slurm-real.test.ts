import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../main/hosts/job-store.ts';
import type { SlurmHostConfig } from '../../main/hosts/registry.ts';
import { SlurmHost } from '../../main/hosts/slurm.ts';
import type { Job } from '../../main/hosts/types.ts';
import { sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import { until } from '../support/until.ts';
import { realSlurmAvailable, startSlurm, type SlurmCluster } from './slurm-cluster.ts';

function isAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The whole path against a real slurmctld + slurmd: sbatch, squeue, scontrol (no accounting here), scancel. */
describe.skipIf(!sshdAvailable() || !realSlurmAvailable())('SlurmHost against a real single-node Slurm', () => {
  let slurm: SlurmCluster;
  let sshd: TestSshd;
  let cluster: SlurmHost;
  const started: Job[] = [];
  const config = (partition: string): SlurmHostConfig => ({
    name: 'cluster',
    kind: 'slurm',
    login: sshd.login(),
    partition,
    timeLimit: '00:10:00',
  });

  beforeAll(async () => {
    slurm = await startSlurm();
    sshd = await startSshd({ env: { SLURM_CONF: slurm.conf } });
    cluster = new SlurmHost({ config: config(slurm.partition), jobStore: new JobStore() });
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((j) => j.cancel()));
    await cluster?.close();
    await sshd?.stop();
    await slurm?.stop();
  });

  it('runs a batch job and streams its output to the end', async () => {
    const gate = join(sshd.workDir, 'gate-smoke');
    const job = await cluster.startJob({ argv: ['fake-trainer', '12'], name: 'grpo smoke', env: { RW_NOTE: '$(not run)', FAKE_TRAINER_GATE: gate } });
    started.push(job);
    expect(['pending', 'running']).toContain((await job.status()).state);
    writeFileSync(gate, '');
    const parts: Buffer[] = [];
    for await (const chunk of job.tail(0, { pollMs: 300 })) parts.push(chunk.data);
    const log = Buffer.concat(parts);
    expect(log.equals(readFileSync(job.logPath))).toBe(true);
    expect(log.toString()).toContain('training finished after 12 steps');
    expect(await job.status()).toEqual({ state: 'exited', code: 0, detail: 'COMPLETED' });
  });

  it('reports the exit code of a failed job', async () => {
    const job = await cluster.startJob({ argv: ['fake-trainer', '1', '4'] });
    started.push(job);
    expect(await job.wait({ pollMs: 300 })).toEqual({ state: 'exited', code: 4, detail: 'FAILED' });
  });

  it('cancels a running job with scancel, stopping its processes', async () => {
    const job = await cluster.startJob({ argv: ['fake-trainer'], name: 'endless' });
    started.push(job);
    let text = '';
    for await (const chunk of job.tail(0, { pollMs: 300 })) {
      text += chunk.data.toString();
      if (text.includes("'step': 3,")) break;
    }
    const [, trainer, worker] = /trainer pid (\d+) worker pid (\d+)/.exec(text) ?? [];
    expect(isAlive(Number(trainer))).toBe(true);
    const status = await job.cancel();
    expect(status).toMatchObject({ state: 'exited', detail: 'CANCELLED' });
    // slurmd signals the job's processes after sacct already says CANCELLED; the worker sleeps an hour otherwise.
    await until(() => !isAlive(Number(trainer)) && !isAlive(Number(worker)), 'scancel to stop the trainer and its worker');
  });

  it("surfaces sbatch's refusal of an unknown partition", async () => {
    const wrong = new SlurmHost({ config: config('nosuch'), jobStore: new JobStore() });
    await expect(wrong.startJob({ argv: ['true'] })).rejects.toThrow(/Invalid partition name specified/);
    await wrong.close();
  });
});
