import type { HostHandle, Job } from '../../nodes/sdk/index.ts';

export type {
  ExecOptions,
  HostHandle,
  Job,
  JobSpec,
  JobStatus,
  LocalForward,
  LogChunk,
  ProcessResult,
  RemoteForward,
  TailOptions,
} from '../../nodes/sdk/index.ts';

export interface GpuInfo {
  name: string;
  memoryMiB: number;
  /** Percent, `null` when the driver reports `[N/A]`. */
  utilization: number | null;
}

export interface HostProbe {
  /** `uname -srm`. */
  os: string;
  /** Free space of the work dir's file system. */
  freeDiskBytes: number;
  /** From `nvidia-smi`; empty when it is absent. */
  gpus: GpuInfo[];
}

/** A machine the engine manages: what nodes see (`HostHandle`) plus probing, job lists and connections. */
export interface Host extends HostHandle {
  testConnection(): Promise<HostProbe>;
  /** Jobs of this host recorded in `jobs.json`. */
  listJobs(): Promise<Job[]>;
  close(): Promise<void>;
}
