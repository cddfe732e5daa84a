/**
 * What a node may do with the machine it runs on: run commands (argument arrays, never shell strings), make local
 * files available there, reach its ports, and run detached jobs that outlive the app (trainers, model servers).
 */
import type { ExecOptions, ProcessResult } from './context.ts';

/** A local TCP port that reaches a port on the host (`ssh -L`). */
export interface LocalForward {
  readonly localPort: number;
  close(): Promise<void>;
}

/** A port on the host that reaches a port on this machine (`ssh -R`), e.g. for the reward server. */
export interface RemoteForward {
  readonly remotePort: number;
  close(): Promise<void>;
}

export interface JobSpec {
  argv: readonly string[];
  env?: Record<string, string>;
  /** Where the command runs; the job's own folder when omitted. */
  cwd?: string;
  /** A label for lists and Slurm's `--job-name`. */
  name?: string;
}

export type JobStatus =
  | { state: 'pending'; detail?: string }
  | { state: 'running'; detail?: string }
  /** `code` is `null` when the job died without recording one (killed, node lost). */
  | { state: 'exited'; code: number | null; detail?: string };

export interface LogChunk {
  /** Byte offset of `data` in the log. */
  offset: number;
  data: Buffer;
  /** Where the next read starts: persist it to resume after a restart without gaps or duplicates. */
  nextOffset: number;
}

export interface TailOptions {
  signal?: AbortSignal;
  /** Between polls of a job that is still running. */
  pollMs?: number;
  /** How long to keep retrying a lost connection before giving up. */
  reconnectTimeoutMs?: number;
}

/** A detached job on a host; it outlives the connection and the app. */
export interface Job {
  readonly id: string;
  readonly kind: 'process' | 'slurm';
  readonly hostName: string;
  readonly name: string;
  /** The job's folder on the host (`<workDir>/jobs/<id>`). */
  readonly dir: string;
  readonly logPath: string;
  /** The process group (process jobs) or Slurm job id. */
  readonly externalId: string;
  status(): Promise<JobStatus>;
  /** The log from `fromOffset` until the job ends; survives dropped connections. */
  tail(fromOffset?: number, options?: TailOptions): AsyncIterable<LogChunk>;
  /** TERM, then KILL after `graceMs` (process jobs); `scancel` (Slurm). */
  cancel(options?: { graceMs?: number }): Promise<JobStatus>;
  /** Resolves when the job has ended. */
  wait(options?: TailOptions): Promise<JobStatus>;
  /**
   * Where a port the running job listens on is reached from the host's side of the SSH connection: the host itself
   * for a process job, the compute node (its `NodeAddr`) for a Slurm job.
   */
  address(): Promise<string>;
}

/** The machine a node runs on (`local`, an SSH host or a Slurm cluster's login node). */
export interface HostHandle {
  readonly name: string;
  readonly kind: 'local' | 'ssh' | 'slurm';
  exec(argv: readonly string[], options?: ExecOptions): Promise<ProcessResult>;
  /** The app's folder on that machine (absolute). */
  workDir(): Promise<string>;
  /** A path on the host holding this local file's content (uploaded once per content hash). */
  ensureFile(localPath: string, options?: { signal?: AbortSignal }): Promise<string>;
  /** Checks that a file already on the host exists and returns its absolute path. */
  ensureRemotePath(path: string): Promise<string>;
  forwardLocal(remotePort: number, remoteHost?: string): Promise<LocalForward>;
  forwardRemote(remotePort: number, localPort: number, localHost?: string): Promise<RemoteForward>;
  startJob(spec: JobSpec): Promise<Job>;
  attachJob(id: string): Promise<Job>;
}
