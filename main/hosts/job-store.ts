import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const jobRecordSchema = z.object({
  id: z.string(),
  host: z.string(),
  kind: z.enum(['process', 'slurm']),
  name: z.string(),
  /** The job's folder on the host. */
  dir: z.string(),
  /** Process group id (process jobs) or Slurm job id. */
  externalId: z.string(),
  argv: z.array(z.string()),
  startedAt: z.string(),
  /** Set once the app has seen the job end. */
  ended: z.object({ code: z.number().nullable(), at: z.string() }).optional(),
  /** The log offset a consumer has processed, so a restart resumes without gaps or duplicates. */
  logOffset: z.number().optional(),
});

export type JobRecord = z.infer<typeof jobRecordSchema>;

const fileSchema = z.object({ version: z.literal(1), jobs: z.array(jobRecordSchema) });

/**
 * The detached jobs the app started, in the data dir's `jobs.json`, so that a restarted app re-attaches to them.
 * Every call reads and rewrites the file (atomically), so several store instances stay consistent.
 */
export class JobStore {
  readonly path: string | undefined;
  #memory: JobRecord[] = [];

  /** `path` undefined keeps the records in memory only. */
  constructor(path?: string) {
    this.path = path;
  }

  static forDataDir(dataDir: string): JobStore {
    return new JobStore(join(dataDir, 'jobs.json'));
  }

  list(host?: string): JobRecord[] {
    const jobs = this.#read();
    return host === undefined ? jobs : jobs.filter((j) => j.host === host);
  }

  get(id: string): JobRecord | undefined {
    return this.#read().find((j) => j.id === id);
  }

  put(record: JobRecord): void {
    const jobs = this.#read().filter((j) => j.id !== record.id);
    jobs.push(record);
    this.#write(jobs);
  }

  update(id: string, patch: Partial<Omit<JobRecord, 'id'>>): JobRecord | undefined {
    const jobs = this.#read();
    const index = jobs.findIndex((j) => j.id === id);
    const current = jobs[index];
    if (!current) return undefined;
    const next = { ...current, ...patch };
    jobs[index] = next;
    this.#write(jobs);
    return next;
  }

  remove(id: string): void {
    this.#write(this.#read().filter((j) => j.id !== id));
  }

  #read(): JobRecord[] {
    if (this.path === undefined) return structuredClone(this.#memory);
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.path}: cannot parse: ${(error as Error).message}`);
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) throw new Error(`${this.path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data.jobs;
  }

  #write(jobs: JobRecord[]): void {
    if (this.path === undefined) {
      this.#memory = structuredClone(jobs);
      return;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ version: 1, jobs }, null, 2)}\n`);
    renameSync(temp, this.path);
  }
}
