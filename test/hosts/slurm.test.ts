import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../main/hosts/job-store.ts';
import type { SlurmHostConfig } from '../../main/hosts/registry.ts';
import {
  parseNodeAddr,
  parseSacct,
  parseSbatchParsable,
  parseScontrolJob,
  parseSqueue,
  sbatchScript,
  slurmExitCode,
  slurmJobName,
  SlurmHost,
} from '../../main/hosts/slurm.ts';
import type { Job, JobStatus } from '../../main/hosts/types.ts';
import { FAKE_TOOLS_DIR, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';

const SLURM_TOOLS = join(FAKE_TOOLS_DIR, 'slurm');
const output = (name: string) => readFileSync(join(SLURM_TOOLS, 'outputs', name), 'utf8');

describe('Slurm output parsing (recorded outputs)', () => {
  it('reads the address of the node a job runs on from scontrol show node -o', () => {
    const line = 'NodeName=gpu-07 Arch=x86_64 CoresPerSocket=32 CPUAlloc=8 NodeAddr=10.1.4.7 NodeHostName=gpu-07 Version=23.11.4 OS=Linux';
    expect(parseNodeAddr(line, 'gpu-07')).toBe('10.1.4.7');
    expect(parseNodeAddr('', 'gpu-07')).toBe('gpu-07');
  });

  it('reads sbatch --parsable', () => {
    expect(parseSbatchParsable(output('sbatch-parsable.stdout'))).toBe('4242');
    expect(parseSbatchParsable('sbatch: warning: something\n1234;hpc-cluster\n')).toBe('1234');
    expect(() => parseSbatchParsable('')).toThrow(/no job id/);
  });

  it('reads squeue -h -o %T, and "Invalid job id" as a job that aged out', () => {
    expect(parseSqueue(0, 'PENDING\n', '')).toEqual({ kind: 'active', status: { state: 'pending', detail: 'PENDING' } });
    expect(parseSqueue(0, 'RUNNING\n', '')).toEqual({ kind: 'active', status: { state: 'running', detail: 'RUNNING' } });
    expect(parseSqueue(0, 'COMPLETING\n', '')).toMatchObject({ kind: 'active', status: { state: 'running' } });
    expect(parseSqueue(0, 'FAILED\n', '')).toEqual({ kind: 'finished', state: 'FAILED' });
    expect(parseSqueue(0, '', '')).toEqual({ kind: 'gone' }); // finished, not shown by default
    expect(parseSqueue(1, '', output('squeue-invalid-job.stderr'))).toEqual({ kind: 'gone' });
    expect(() => parseSqueue(1, '', 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)')).toThrow(
      /controller may be down/,
    );
  });

  it('reads the job line of sacct -n -P --format=State,ExitCode', () => {
    expect(parseSacct(output('sacct-completed.stdout'))).toEqual({ state: 'exited', code: 0, detail: 'COMPLETED' });
    expect(parseSacct(output('sacct-failed.stdout').replaceAll('@RC@', '3'))).toEqual({ state: 'exited', code: 3, detail: 'FAILED' });
    expect(parseSacct(output('sacct-cancelled.stdout'))).toEqual({ state: 'exited', code: null, detail: 'CANCELLED by 0' });
    expect(parseSacct(output('sacct-timeout.stdout'))).toEqual({ state: 'exited', code: null, detail: 'TIMEOUT' });
    expect(parseSacct(output('sacct-oom.stdout'))).toEqual({ state: 'exited', code: null, detail: 'OUT_OF_MEMORY' });
    expect(parseSacct(output('sacct-running.stdout'))).toBeUndefined();
    expect(parseSacct('')).toBeUndefined();
  });

  it('reads scontrol show job -o (the fallback without accounting)', () => {
    expect(parseScontrolJob(output('scontrol-completed.stdout'))).toEqual({ state: 'exited', code: 0, detail: 'COMPLETED' });
    expect(parseScontrolJob(output('scontrol-failed.stdout'))).toEqual({ state: 'exited', code: 4, detail: 'FAILED' });
    expect(parseScontrolJob(output('scontrol-cancelled-pending.stdout'))).toEqual({ state: 'exited', code: null, detail: 'CANCELLED' });
    expect(parseScontrolJob('JobId=9 JobState=RUNNING ExitCode=0:0')).toBeUndefined();
    expect(slurmExitCode('0:15')).toBe(143);
    expect(slurmExitCode('2:0')).toBe(2);
    expect(slurmExitCode('n/a')).toBeNull();
  });

  it('writes the batch script with #SBATCH lines and the quoted command', () => {
    const script = sbatchScript(
      'j1',
      '/scratch/u/rw/jobs/j1',
      { partition: 'gpu', account: 'proj42', gres: 'gpu:a100:1', timeLimit: '24:00:00' },
      { argv: ['python', 'train.py', '--note', "it's $(rm -rf /)"], env: { HF_HOME: '/scratch/hf cache' }, name: 'GRPO run #1' },
    );
    expect(script.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=GRPO_run_1',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=proj42',
      '#SBATCH --gres=gpu:a100:1',
      '#SBATCH --time=24:00:00',
      '#SBATCH --output=/scratch/u/rw/jobs/j1/log',
      '#SBATCH --open-mode=append',
    ]);
    expect(script).toContain(`env 'HF_HOME=/scratch/hf cache' python train.py --note 'it'\\''s $(rm -rf /)'`);
    expect(() => sbatchScript('j', '/a b', { partition: 'p', timeLimit: '1' }, { argv: ['x'] })).toThrow(/spaces/);
    expect(slurmJobName(undefined)).toBe('rewatch');
  });
});

describe.skipIf(!sshdAvailable())('SlurmHost against fake sbatch/squeue/sacct/scancel replaying recorded outputs', () => {
  let sshd: TestSshd;
  let state: string;
  let store: JobStore;
  const config = (partition = 'gpu'): SlurmHostConfig => ({
    name: 'cluster',
    kind: 'slurm',
    login: sshd.login(),
    partition,
    account: 'proj42',
    gres: 'gpu:a100:1',
    timeLimit: '24:00:00',
  });
  let cluster: SlurmHost;
  const started: Job[] = [];

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'rewatch-fake-slurm-'));
    sshd = await startSshd({ extraPathDirs: [SLURM_TOOLS], env: { FAKE_SLURM_STATE: state } });
    store = new JobStore(join(state, 'jobs.json'));
    cluster = new SlurmHost({ config: config(), jobStore: store });
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((j) => j.cancel()));
    await cluster?.close();
    await sshd?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  async function tailAll(job: Job, from = 0) {
    const parts: Buffer[] = [];
    for await (const chunk of job.tail(from, { pollMs: 100 })) parts.push(chunk.data);
    return Buffer.concat(parts);
  }

  it('submits with sbatch --parsable, follows squeue then sacct, and streams the output file', async () => {
    // Held after its last step until the test has seen it running (FAKE_TRAINER_GATE), however slow the machine.
    const gate = join(state, 'gate-submit');
    const job = await cluster.startJob({ argv: ['fake-trainer', '25'], name: 'grpo', env: { FAKE_TRAINER_GATE: gate } });
    started.push(job);
    expect(job.kind).toBe('slurm');
    expect(job.externalId).toMatch(/^\d+$/);
    expect(readFileSync(join(state, `${job.externalId}.args`), 'utf8')).toBe(`--parsable\n${job.dir}/job.sbatch\n`);
    const script = readFileSync(join(job.dir, 'job.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --partition=gpu\n#SBATCH --account=proj42\n#SBATCH --gres=gpu:a100:1\n#SBATCH --time=24:00:00\n');
    expect(script).toContain(`#SBATCH --output=${job.dir}/log\n`);

    const seen: JobStatus['state'][] = [(await job.status()).state, (await job.status()).state];
    expect(seen).toEqual(['pending', 'running']);
    writeFileSync(gate, '');
    const log = await tailAll(job);
    expect(log.equals(readFileSync(job.logPath))).toBe(true);
    expect(log.toString()).toContain('training finished after 25 steps');
    expect(await job.status()).toEqual({ state: 'exited', code: 0, detail: 'COMPLETED' });
    expect(store.get(job.id)).toMatchObject({ kind: 'slurm', externalId: job.externalId, ended: { code: 0 } });
  });

  it('reports a failed job with its exit code', async () => {
    const job = await cluster.startJob({ argv: ['fake-trainer', '2', '3'] });
    started.push(job);
    expect(await job.wait({ pollMs: 100 })).toEqual({ state: 'exited', code: 3, detail: 'FAILED' });
  });

  it('cancels with scancel', async () => {
    const job = await cluster.startJob({ argv: ['fake-trainer'], name: 'endless' });
    started.push(job);
    for await (const chunk of job.tail(0, { pollMs: 100 })) if (chunk.data.toString().includes("'step': 2,")) break;
    const status = await job.cancel();
    expect(status).toEqual({ state: 'exited', code: null, detail: 'CANCELLED by 0' });
    expect(readFileSync(join(state, `${job.externalId}.cancelled`), 'utf8')).toBe('');
  });

  it('re-attaches after an app restart from jobs.json', async () => {
    const job = await cluster.startJob({ argv: ['fake-trainer', '10'] });
    started.push(job);
    const restarted = new SlurmHost({ config: config(), jobStore: new JobStore(join(state, 'jobs.json')) });
    const again = await restarted.attachJob(job.id);
    expect(again.externalId).toBe(job.externalId);
    expect((await restarted.listJobs()).map((j) => j.id)).toContain(job.id);
    expect((await tailAll(again)).equals(readFileSync(job.logPath))).toBe(true);
    expect(await again.status()).toMatchObject({ state: 'exited', code: 0 });
    await restarted.close();
  });

  it("surfaces sbatch's refusal", async () => {
    const wrong = new SlurmHost({ config: config('nosuch'), jobStore: store });
    await expect(wrong.startJob({ argv: ['true'] })).rejects.toThrow(/sbatch refused the job: .*Invalid partition name specified/s);
    await wrong.close();
  });
});
