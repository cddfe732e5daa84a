import type { JobStatus } from '../../nodes/sdk/index.ts';
import type { JobRecord, JobStore } from './job-store.ts';

/** What every kind of job knows from its record in `jobs.json`; the record is updated once the job has ended. */
export abstract class RecordedJob {
  protected record: JobRecord;

  constructor(
    protected readonly store: JobStore,
    record: JobRecord,
  ) {
    this.record = record;
  }

  get id(): string {
    return this.record.id;
  }
  get hostName(): string {
    return this.record.host;
  }
  get name(): string {
    return this.record.name;
  }
  get dir(): string {
    return this.record.dir;
  }
  get logPath(): string {
    return `${this.record.dir}/log`;
  }
  /** The process group (process jobs) or the Slurm job id. */
  get externalId(): string {
    return this.record.externalId;
  }

  /** Records the end of the job once, so a later attach knows it without asking the host. */
  protected noteEnd(status: JobStatus): void {
    if (status.state !== 'exited' || this.record.ended) return;
    const ended = { code: status.code, at: new Date().toISOString() };
    this.record = this.store.update(this.id, { ended }) ?? { ...this.record, ended };
  }
}
