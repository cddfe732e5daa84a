import type { Duplex } from 'node:stream';
import type { ExecOptions, ProcessResult } from '../../nodes/sdk/index.ts';
import { HostConnectionError, sleep } from './errors.ts';
import { JobStore, type JobRecord } from './job-store.ts';
import { RecordedJob } from './recorded-job.ts';
import { jobBody, newJobId, waitForEnd, type JobHost } from './jobs.ts';
import { followLog } from './log-follow.ts';
import type { SlurmHostConfig } from './registry.ts';
import { shellQuote } from './shell-quote.ts';
import { SshHost } from './ssh-host.ts';
import type { Host, HostProbe, Job, JobSpec, JobStatus, LocalForward, LogChunk, RemoteForward, TailOptions } from './types.ts';

// ---- pure layer: the batch script and the parsing of sbatch / squeue / sacct / scontrol output ----

/** A `--job-name` Slurm accepts and `squeue` prints without surprises. */
export function slurmJobName(name: string | undefined): string {
  const clean = (name ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
  return clean || 'rewatch';
}

/**
 * The batch script. `#SBATCH` values are not shell-quoted (sbatch reads them itself), so each is validated by the
 * registry schema; the command is quoted like every other command.
 */
export function sbatchScript(id: string, dir: string, config: Pick<SlurmHostConfig, 'partition' | 'account' | 'gres' | 'timeLimit'>, spec: JobSpec): string {
  if (/[\s%]/.test(dir)) throw new Error(`a Slurm job folder cannot contain spaces or "%": ${dir}`);
  const lines = [
    '#!/bin/sh',
    `#SBATCH --job-name=${slurmJobName(spec.name)}`,
    `#SBATCH --partition=${config.partition}`,
    ...(config.account ? [`#SBATCH --account=${config.account}`] : []),
    ...(config.gres ? [`#SBATCH --gres=${config.gres}`] : []),
    `#SBATCH --time=${config.timeLimit}`,
    `#SBATCH --output=${dir}/log`,
    // Append: a requeued job must not truncate the log under a reader's offset.
    '#SBATCH --open-mode=append',
    `# ReWatch Studio job ${id}`,
    ...jobBody(dir, spec),
    '',
  ];
  return lines.join('\n');
}

/** The job id of `sbatch --parsable` (`1234` or `1234;cluster`). */
export function parseSbatchParsable(stdout: string): string {
  const line = stdout.trim().split(/\r?\n/).pop() ?? '';
  const match = /^(\d+)(?:;\S+)?$/.exec(line.trim());
  if (!match?.[1]) throw new Error(`sbatch printed no job id: ${stdout.trim() || '(nothing)'}`);
  return match[1];
}

const PENDING_STATES = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT']);
const ACTIVE_STATES = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'STOPPED', 'RESIZING', 'SIGNALING', 'STAGE_OUT']);

type SqueueAnswer = { kind: 'active'; status: JobStatus } | { kind: 'finished'; state: string } | { kind: 'gone' };

/** `squeue -h -j ID -o %T`: a state while Slurm still lists the job; `gone` once it has aged out. */
/** The routable address of a node from `scontrol show node -o NAME` (its `NodeAddr`, else the name itself). */
export function parseNodeAddr(stdout: string, node: string): string {
  return /\bNodeAddr=(\S+)/.exec(stdout)?.[1] ?? node;
}

export function parseSqueue(exitCode: number, stdout: string, stderr: string): SqueueAnswer {
  const state = stdout.trim().split(/\r?\n/)[0]?.trim() ?? '';
  if (exitCode !== 0) {
    if (/Invalid job id/i.test(stderr + stdout)) return { kind: 'gone' };
    throw new HostConnectionError(`squeue failed (the Slurm controller may be down): ${(stderr || stdout).trim()}`);
  }
  if (!state) return { kind: 'gone' };
  if (PENDING_STATES.has(state)) return { kind: 'active', status: { state: 'pending', detail: state } };
  if (ACTIVE_STATES.has(state)) return { kind: 'active', status: { state: 'running', detail: state } };
  return { kind: 'finished', state };
}

/**
 * `N:S` (exit code : signal) as one number: a signal as 128+S, else the exit code. Slurm puts pseudo-signals above 64
 * there (125 for OUT_OF_MEMORY); those are not signals and count as no code.
 */
export function slurmExitCode(value: string): number | null {
  const match = /^(\d+):(\d+)$/.exec(value.trim());
  if (!match) return null;
  const code = Number(match[1]);
  const signal = Number(match[2]);
  if (signal > 0 && signal <= 64) return 128 + signal;
  return code;
}

function finalStatus(state: string, exitCode: string): JobStatus {
  const base = state.split(/\s+/)[0] ?? state; // `CANCELLED by 1000`
  let code = slurmExitCode(exitCode);
  // A job that did not complete never reports success, whatever its ExitCode says (e.g. cancelled while pending).
  if (base !== 'COMPLETED' && code === 0) code = null;
  return { state: 'exited', code, detail: state };
}

/** The job line (the first) of `sacct -n -P -j ID --format=State,ExitCode`; `undefined` when sacct knows nothing. */
export function parseSacct(stdout: string): JobStatus | undefined {
  const first = stdout.split(/\r?\n/).find((line) => line.includes('|'));
  if (!first) return undefined;
  const [state = '', exitCode = ''] = first.split('|');
  if (!state || PENDING_STATES.has(state) || ACTIVE_STATES.has(state)) return undefined;
  return finalStatus(state.trim(), exitCode);
}

/** `scontrol show job -o ID` (works without accounting, until the job ages out of the controller). */
export function parseScontrolJob(stdout: string): JobStatus | undefined {
  const state = /(?:^|\s)JobState=(\S+)/.exec(stdout)?.[1];
  const exitCode = /(?:^|\s)ExitCode=(\d+:\d+)/.exec(stdout)?.[1];
  if (!state || PENDING_STATES.has(state) || ACTIVE_STATES.has(state)) return undefined;
  return finalStatus(state, exitCode ?? '');
}

// ---- the host ----

interface SlurmHostOptions {
  config: SlurmHostConfig;
  jobStore?: JobStore;
  connectSocket?: (host: string, port: number) => Duplex;
}

/** $1 = job dir, $2 = quoted argv; stdin = the batch script. Prints sbatch's job id. */
const SUBMIT = `set -e
d=$1
mkdir -p "$d"
cat > "$d/job.sbatch"
printf '%s\\n' "$2" > "$d/command"
: > "$d/log"
cd "$d"
sbatch --parsable "$d/job.sbatch"`;

/** A Slurm cluster reached through its login node: commands and files go over the login node's SSH. */
export class SlurmHost implements Host, JobHost {
  readonly kind = 'slurm' as const;
  readonly name: string;
  readonly config: SlurmHostConfig;
  readonly login: SshHost;

  constructor(options: SlurmHostOptions) {
    this.name = options.config.name;
    this.config = options.config;
    this.login = new SshHost({
      name: options.config.name,
      login: options.config.login,
      ...(options.jobStore ? { jobStore: options.jobStore } : {}),
      ...(options.connectSocket ? { connectSocket: options.connectSocket } : {}),
    });
  }

  get jobStore(): JobStore {
    return this.login.jobStore;
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ProcessResult> {
    return this.login.exec(argv, options);
  }
  workDir(): Promise<string> {
    return this.login.workDir();
  }
  readFile(path: string, offset?: number, maxBytes?: number): Promise<Buffer | undefined> {
    return this.login.readFile(path, offset, maxBytes);
  }
  ensureFile(localPath: string, options?: { signal?: AbortSignal }): Promise<string> {
    return this.login.ensureFile(localPath, options);
  }
  ensureRemotePath(path: string): Promise<string> {
    return this.login.ensureRemotePath(path);
  }
  forwardLocal(remotePort: number, remoteHost?: string): Promise<LocalForward> {
    return this.login.forwardLocal(remotePort, remoteHost);
  }
  forwardRemote(remotePort: number, localPort: number, localHost?: string): Promise<RemoteForward> {
    return this.login.forwardRemote(remotePort, localPort, localHost);
  }
  /** Probes the login node (compute nodes' GPUs are not visible from it). */
  testConnection(): Promise<HostProbe> {
    return this.login.testConnection();
  }

  /** Writes the batch script into `<workDir>/jobs/<id>/` and submits it with `sbatch --parsable`. */
  async startJob(spec: JobSpec): Promise<Job> {
    const id = newJobId();
    const dir = `${await this.workDir()}/jobs/${id}`;
    const script = sbatchScript(id, dir, this.config, spec);
    const result = await this.exec(['sh', '-c', SUBMIT, 'sh', dir, shellQuote(spec.argv)], { stdin: script });
    if (result.exitCode !== 0) {
      throw new Error(`${this.name}: sbatch refused the job: ${(result.stderr || result.stdout.toString('utf8')).trim()}`);
    }
    const slurmId = parseSbatchParsable(result.stdout.toString('utf8'));
    const record: JobRecord = {
      id,
      host: this.name,
      kind: 'slurm',
      name: slurmJobName(spec.name),
      dir,
      externalId: slurmId,
      argv: [...spec.argv],
      startedAt: new Date().toISOString(),
    };
    this.jobStore.put(record);
    return new SlurmJob(this, record);
  }

  async attachJob(id: string): Promise<Job> {
    const record = this.jobStore.get(id);
    if (!record || record.host !== this.name) throw new Error(`host "${this.name}" has no recorded job ${id}`);
    if (record.kind !== 'slurm') throw new Error(`job ${id} is not a Slurm job`);
    return new SlurmJob(this, record);
  }

  async listJobs(): Promise<Job[]> {
    return this.jobStore.list(this.name).map((record) => new SlurmJob(this, record));
  }

  close(): Promise<void> {
    return this.login.close();
  }
}

/** A batch job: followed with squeue, then sacct (or scontrol, or the exit-code file) once it has left the queue. */
class SlurmJob extends RecordedJob implements Job {
  readonly kind = 'slurm' as const;
  readonly #host: SlurmHost;

  constructor(host: SlurmHost, record: JobRecord) {
    super(host.jobStore, record);
    this.#host = host;
  }

  async address(): Promise<string> {
    const squeue = await this.#host.exec(['squeue', '-h', '-j', this.externalId, '-o', '%N']);
    // One node: the jobs this app submits are single-node (a model server replica, a trainer's launcher).
    const node = squeue.stdout.toString('utf8').trim().split(/[\s,[]/)[0];
    if (squeue.exitCode !== 0 || !node) {
      throw new Error(`Slurm job ${this.externalId} runs on no node (yet): ${(squeue.stderr.toString() || squeue.stdout.toString()).trim()}`);
    }
    const show = await this.#host.exec(['scontrol', 'show', 'node', '-o', node]);
    return parseNodeAddr(show.stdout.toString('utf8'), node);
  }

  async status(): Promise<JobStatus> {
    const squeue = await this.#host.exec(['squeue', '-h', '-j', this.externalId, '-o', '%T']);
    const answer = parseSqueue(squeue.exitCode, squeue.stdout.toString('utf8'), squeue.stderr);
    return this.#resolve(answer);
  }

  async #resolve(answer: SqueueAnswer): Promise<JobStatus> {
    if (answer.kind === 'active') return answer.status;
    const status = await this.#finalStatus(answer.kind === 'finished' ? answer.state : undefined);
    this.noteEnd(status);
    return status;
  }

  /** sacct, then scontrol, then the exit code the batch script wrote. */
  async #finalStatus(squeueState: string | undefined): Promise<JobStatus> {
    const id = this.externalId;
    const sacct = await this.#host.exec(['sacct', '-n', '-P', '-j', id, '--format=State,ExitCode']).catch(() => undefined);
    if (sacct?.exitCode === 0) {
      const status = parseSacct(sacct.stdout.toString('utf8'));
      if (status) return status;
    }
    const scontrol = await this.#host.exec(['scontrol', 'show', 'job', '-o', id]).catch(() => undefined);
    if (scontrol?.exitCode === 0) {
      const status = parseScontrolJob(scontrol.stdout.toString('utf8'));
      if (status) return status;
    }
    const file = await this.#host.readFile(`${this.dir}/exit-code`, 0, 64);
    const code = Number.parseInt(file?.toString('utf8').trim() ?? '', 10);
    if (!Number.isNaN(code)) return { state: 'exited', code, ...(squeueState ? { detail: squeueState } : {}) };
    return { state: 'exited', code: null, detail: squeueState ?? 'the job left the queue without recording an exit code' };
  }

  /** squeue, then the log over SFTP (the login node sees the shared file system the compute node writes to). */
  tail(fromOffset = 0, options: TailOptions = {}): AsyncIterable<LogChunk> {
    return followLog(
      async (offset, maxBytes) => {
        const status = await this.status();
        const data = (await this.#host.readFile(this.logPath, offset, maxBytes)) ?? Buffer.alloc(0);
        return { status, data };
      },
      fromOffset,
      { ...options, defaultPollMs: 2000 },
    );
  }

  /** `scancel`, then waits (up to `graceMs` + 60 s) until Slurm reports the job ended. */
  async cancel(options: { graceMs?: number } = {}): Promise<JobStatus> {
    const result = await this.#host.exec(['scancel', this.externalId]);
    if (result.exitCode !== 0) throw new Error(`scancel ${this.externalId} failed: ${result.stderr.trim()}`);
    const deadline = Date.now() + (options.graceMs ?? 5000) + 60_000;
    for (;;) {
      const status = await this.status();
      if (status.state === 'exited' || Date.now() > deadline) return status;
      await sleep(300);
    }
  }

  wait(options: TailOptions = {}): Promise<JobStatus> {
    return waitForEnd(() => this.status(), options, 5000);
  }
}
