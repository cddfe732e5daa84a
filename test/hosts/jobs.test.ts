import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostResolver } from '../../main/hosts/index.ts';
import { JobStore } from '../../main/hosts/job-store.ts';
import { LocalHost } from '../../main/hosts/local-host.ts';
import { shellQuote } from '../../main/hosts/shell-quote.ts';
import { SshHost } from '../../main/hosts/ssh-host.ts';
import type { Job, TailOptions } from '../../main/hosts/types.ts';
import { FAKE_TOOLS_DIR, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import { NASTY_ARGS } from './nasty-args.ts';

const FAST: TailOptions = { pollMs: 100 };

/** Processes of a group that are still alive (zombies waiting for a reaper do not count). */
function liveInGroup(pgid: string): string[] {
  return execFileSync('ps', ['-eo', 'pgid=,pid=,stat=,args='])
    .toString()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([group, , stat]) => group === pgid && !stat?.startsWith('Z'))
    .map(([, pid, , ...args]) => `${pid} ${args.join(' ')}`);
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Tails until `stop` says so (or the job ends); returns the bytes and where to continue. */
async function tailUntil(job: Job, from: number, stop: (text: string) => boolean, onChunk?: () => void) {
  const parts: Buffer[] = [];
  let next = from;
  for await (const chunk of job.tail(from, FAST)) {
    expect(chunk.offset).toBe(next);
    parts.push(chunk.data);
    next = chunk.nextOffset;
    onChunk?.();
    if (stop(Buffer.concat(parts).toString('utf8'))) break;
  }
  return { data: Buffer.concat(parts), next };
}

const steps = (text: string) => [...text.matchAll(/'step': (\d+),/g)].map((m) => Number(m[1]));

describe.skipIf(!sshdAvailable())('detached jobs over SSH', () => {
  let sshd: TestSshd;
  let store: JobStore;
  let dataDir: string;
  const sockets: net.Socket[] = [];
  const connectSocket = (h: string, p: number) => {
    const socket = net.connect(p, h);
    sockets.push(socket);
    return socket;
  };
  const cut = () => sockets.splice(0).forEach((s) => s.destroy());
  let host: SshHost;
  const started: Job[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    dataDir = mkdtempSync(join(tmpdir(), 'rewatch-jobs-data-'));
    store = JobStore.forDataDir(dataDir);
    host = new SshHost({ name: 'box', login: sshd.login(), jobStore: store, connectSocket });
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((j) => j.cancel({ graceMs: 200 })));
    await host?.close();
    await sshd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A file the fake trainer waits for after its last step (`FAKE_TRAINER_GATE`): the job runs until a test writes it. */
  const gateFile = () => join(sshd.workDir, `gate-${started.length}`);

  async function start(argv: string[], extra: { env?: Record<string, string>; cwd?: string } = {}) {
    const job = await host.startJob({ argv, name: 'test job', ...extra });
    started.push(job);
    return job;
  }

  it('runs a detached job in <workDir>/jobs/<id>/ and streams its whole log', async () => {
    const gate = gateFile();
    const job = await start(['fake-trainer', '15'], { env: { FAKE_TRAINER_GATE: gate } });
    expect(job.dir).toBe(`${sshd.workDir}/jobs/${job.id}`);
    expect(readFileSync(join(job.dir, 'command'), 'utf8')).toBe(`${shellQuote(['fake-trainer', '15'])}\n`);
    expect(readFileSync(join(job.dir, 'pid'), 'utf8').trim()).toBe(job.externalId);
    expect((await job.status()).state).toBe('running');
    writeFileSync(gate, '');

    const { data } = await tailUntil(job, 0, () => false);
    expect(data.toString()).toContain('training finished after 15 steps');
    expect(steps(data.toString())).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(data.equals(readFileSync(job.logPath))).toBe(true);
    expect(await job.status()).toEqual({ state: 'exited', code: 0 });
    expect(store.get(job.id)).toMatchObject({ host: 'box', kind: 'process', ended: { code: 0 } });
  });

  it('passes argv, env and cwd literally and records the exit code', async () => {
    const cwd = join(sshd.workDir, "odd dir 'q' $(x) ;");
    await host.exec(['mkdir', '-p', cwd]);
    const job = await start(['sh', '-c', 'printf "%s\\0" "$@" "$V" "$(pwd)"; exit 3', 'sh', ...NASTY_ARGS], {
      env: { V: '$(id) `id` ; *' },
      cwd,
    });
    expect(await job.wait(FAST)).toEqual({ state: 'exited', code: 3 });
    const { data } = await tailUntil(job, 0, () => false);
    expect(data.toString('utf8').split('\0').slice(0, -1)).toEqual([...NASTY_ARGS, '$(id) `id` ; *', cwd]);
    expect(existsSync('/tmp/rewatch-pwned')).toBe(false);
  });

  it('cancel stops the whole process group, children included', async () => {
    const job = await start(['fake-trainer']);
    const { data } = await tailUntil(job, 0, (text) => text.includes("'step': 2,"));
    const match = /trainer pid (\d+) worker pid (\d+)/.exec(data.toString());
    expect(match).not.toBeNull();
    const [trainer, worker] = [Number(match![1]), Number(match![2])];
    expect(isAlive(worker)).toBe(true);
    expect(liveInGroup(job.externalId).length).toBeGreaterThanOrEqual(3); // run.sh, trainer, worker (+ sleep)

    expect(await job.cancel({ graceMs: 3000 })).toEqual({ state: 'exited', code: 143 });
    expect(liveInGroup(job.externalId)).toEqual([]);
    expect(isAlive(trainer)).toBe(false);
    expect(isAlive(worker)).toBe(false);
  });

  it('cancel escalates to KILL when the job ignores TERM', async () => {
    const job = await start(['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done']);
    await tailUntil(job, 0, (text) => text.includes('ready'));
    const t0 = Date.now();
    expect(await job.cancel({ graceMs: 600 })).toEqual({ state: 'exited', code: 137 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(liveInGroup(job.externalId)).toEqual([]);
  });

  it('a tail survives a dropped connection with no gap and no duplicate', async () => {
    const gate = gateFile();
    const job = await start(['fake-trainer', '30'], { env: { FAKE_TRAINER_GATE: gate } });
    const connectsBefore = host.connection.connects;
    let dropped = false;
    const { data } = await tailUntil(
      job,
      0,
      () => false,
      () => {
        if (!dropped && steps(readFileSync(job.logPath).toString()).length >= 5) {
          dropped = true;
          cut(); // while the job is held at its gate, so the rest of the log must come over a new connection
          writeFileSync(gate, '');
        }
      },
    );
    expect(dropped).toBe(true);
    expect(host.connection.connects).toBeGreaterThan(connectsBefore);
    expect(data.equals(readFileSync(job.logPath))).toBe(true);
    expect(steps(data.toString())).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('after a dropped connection, re-attaching and tailing from the saved offset continues exactly', async () => {
    const gate = gateFile();
    const job = await start(['fake-trainer', '30'], { env: { FAKE_TRAINER_GATE: gate } });
    const first = await tailUntil(job, 0, (text) => steps(text).length >= 5);
    cut(); // the job is detached: it keeps running on the host

    const other = new SshHost({ name: 'box', login: sshd.login(), jobStore: store, connectSocket });
    const again = await other.attachJob(job.id);
    expect((await again.status()).state).toBe('running');
    writeFileSync(gate, '');
    const rest = await tailUntil(again, first.next, () => false);
    const whole = Buffer.concat([first.data, rest.data]);
    expect(whole.equals(readFileSync(job.logPath))).toBe(true);
    expect(steps(whole.toString())).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await other.close();
  });

  it('re-attaches from the job folder when jobs.json lost the job', async () => {
    const job = await start(['fake-trainer', '3']);
    const forgetful = new SshHost({ name: 'box', login: sshd.login(), jobStore: new JobStore() });
    const again = await forgetful.attachJob(job.id);
    expect(again.externalId).toBe(job.externalId);
    expect(await again.wait(FAST)).toEqual({ state: 'exited', code: 0 });
    await expect(forgetful.attachJob('20990101-000000-abcdef')).rejects.toThrow(/has no job/);
    await forgetful.close();
  });

  it('an app restart finds the job in jobs.json and re-attaches through a new resolver', async () => {
    const registry = { hosts: [{ name: 'box', kind: 'ssh' as const, ...sshd.login() }] };
    const appData = mkdtempSync(join(tmpdir(), 'rewatch-restart-'));
    const before = createHostResolver(registry, { dataDir: appData });
    const job = await before('box').startJob({ argv: ['fake-trainer', '25'], name: 'grpo' });
    started.push(job);
    const first = await tailUntil(job, 0, (text) => steps(text).length >= 3);
    before.jobStore.update(job.id, { logOffset: first.next });
    await before.close();

    const after = createHostResolver(registry, { dataDir: appData });
    expect(after.jobStore.path).toBe(join(appData, 'jobs.json'));
    const listed = await after('box').listJobs();
    expect(listed.map((j) => j.id)).toEqual([job.id]);
    const record = after.jobStore.get(job.id)!;
    expect(record).toMatchObject({ name: 'grpo', argv: ['fake-trainer', '25'], logOffset: first.next });
    const again = await after('box').attachJob(job.id);
    const rest = await tailUntil(again, record.logOffset!, () => false);
    expect(Buffer.concat([first.data, rest.data]).equals(readFileSync(job.logPath))).toBe(true);
    expect(await again.status()).toEqual({ state: 'exited', code: 0 });
    await after.close();
    rmSync(appData, { recursive: true, force: true });
  });
});

describe('detached jobs on the local host', () => {
  it('run, stream, and cancel with the same runner', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'rewatch-local-jobs-'));
    const local = new LocalHost({ workDir });
    const trainer = join(FAKE_TOOLS_DIR, 'fake-trainer');
    const done = await local.startJob({ argv: ['sh', trainer, '4', '2'] });
    const { data } = await tailUntil(done, 0, () => false);
    expect(steps(data.toString())).toEqual([1, 2, 3, 4]);
    expect(await done.status()).toEqual({ state: 'exited', code: 2 });

    const endless = await local.startJob({ argv: ['sh', trainer] });
    await tailUntil(endless, 0, (text) => text.includes("'step': 1,"));
    expect(await endless.cancel({ graceMs: 2000 })).toEqual({ state: 'exited', code: 143 });
    expect(liveInGroup(endless.externalId)).toEqual([]);
    expect((await local.listJobs()).map((j) => j.id).sort()).toEqual([done.id, endless.id].sort());
    rmSync(workDir, { recursive: true, force: true });
  });

  it('files are already here and forwards are the identity', async () => {
    const local = new LocalHost({ workDir: mkdtempSync(join(tmpdir(), 'rewatch-local-')) });
    const file = join(FAKE_TOOLS_DIR, 'nvidia-smi');
    expect(await local.ensureFile(file)).toBe(file);
    await expect(local.ensureRemotePath('/no/such/video.mp4')).rejects.toThrow(/does not exist/);
    expect((await local.forwardLocal(8000)).localPort).toBe(8000);
    expect((await local.forwardRemote(0, 9000)).remotePort).toBe(9000);
    const probe = await local.testConnection();
    expect(probe.os).toMatch(/\S/);
    expect(probe.freeDiskBytes).toBeGreaterThan(0);
  });
});
