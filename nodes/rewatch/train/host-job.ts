import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { RunDetached, type Job, type JobStatus, type NodeContext } from '../../sdk/index.ts';
import { MetricsParser, tqdmProgress } from './metrics.ts';
import type { TrainingRun } from './types.ts';

/** A local file the job needs, linked into its run folder under `name`. */
interface StagedFile {
  name: string;
  localPath: string;
}

/** What a launch keeps on the host beside the job (`<run folder>/launch.json`), to re-attach to it later. */
export type LaunchRecord = { jobId: string } & Record<string, string>;

/** Something that lives as long as the node waits for the job, e.g. the reward server and its tunnel. */
export interface JobSession {
  /** Environment of a newly started job. */
  env: Record<string, string>;
  /** Kept in launch.json, handed back when a later run re-attaches to the same job. */
  record: Record<string, string>;
  close(): Promise<void>;
}

interface TrainingLaunch {
  trainer: TrainingRun['trainer'];
  /** Config files, data and scripts; uploaded once per content hash. */
  files: readonly StagedFile[];
  /** Run in the run folder, where `files` are. */
  argv: readonly string[];
  /** Where the trainer writes checkpoints: absolute, or relative to the run folder. */
  outputDir: string;
  /** Opened before the job starts or is re-attached while it runs (with the record of the job it re-attaches to). */
  openSession?(previous: LaunchRecord | undefined): Promise<JobSession>;
}

const LOG_TAIL_LINES = 40;
const CANCEL_GRACE_MS = 10_000;

/**
 * Runs a trainer as a detached job on the node's host and follows it to the end.
 *
 * The run folder `<host work dir>/train/<key>` is named by a hash of the command and the files' contents: a later run
 * with the same launch finds the job there and re-attaches to it (still running, or finished with exit code 0) instead
 * of training again; anything else starts a new job.
 */
export async function runTrainingJob(ctx: NodeContext, launch: TrainingLaunch): Promise<TrainingRun> {
  const { host, signal } = ctx;
  const hashes = await Promise.all(launch.files.map((f) => ctx.storage.fileHash(f.localPath)));
  const key = createHash('sha256')
    .update(JSON.stringify({ argv: launch.argv, files: launch.files.map((f, i) => [f.name, hashes[i]]) }))
    .digest('hex')
    .slice(0, 20);
  const runDir = posix.join(await host.workDir(), 'train', key);
  const remote: string[] = [];
  for (const file of launch.files) remote.push(await host.ensureFile(file.localPath, { signal }));
  await checked(ctx, 'prepare the run folder', [
    'sh',
    '-c',
    'd=$1; shift; mkdir -p "$d" || exit 1; while [ $# -gt 1 ]; do ln -sfn "$1" "$d/$2" || exit 1; shift 2; done',
    'sh',
    runDir,
    ...launch.files.flatMap((f, i) => [remote[i]!, f.name]),
  ]);

  const recordPath = posix.join(runDir, 'launch.json');
  const previous = await readRecord(ctx, recordPath);
  const reusable = previous ? await reusableJob(ctx, previous.jobId) : undefined;
  // A finished job needs nothing served any more; a running one gets its session back as it was started with.
  const session = reusable?.status.state === 'exited' ? undefined : await launch.openSession?.(reusable ? previous : undefined);
  try {
    let job = reusable?.job;
    if (job) {
      ctx.log.info(`re-attached to job ${job.id} on ${host.name} (${runDir})`);
    } else {
      const started = await host.startJob({ argv: launch.argv, env: session?.env ?? {}, cwd: runDir, name: `rewatch ${launch.trainer}` });
      await recordJob(ctx, recordPath, { ...session?.record, jobId: started.id }).catch(async (error: unknown) => {
        // Unrecorded, a later run could not find it and would train a second time beside it.
        await started.cancel({ graceMs: CANCEL_GRACE_MS }).catch(() => {});
        throw error;
      });
      job = started;
      ctx.log.info(`started job ${job.id} on ${host.name} in ${runDir}: ${launch.argv.join(' ')}`);
    }
    await writeFile(join(ctx.storage.workDir, 'job.json'), JSON.stringify({ host: host.name, jobId: job.id, runDir }));
    return await follow(ctx, job, launch, posix.resolve(runDir, launch.outputDir));
  } finally {
    await session?.close();
  }
}

async function follow(ctx: NodeContext, job: Job, launch: TrainingLaunch, checkpointPath: string): Promise<TrainingRun> {
  const parser = new MetricsParser((metric) => ctx.metrics.record(metric));
  const tail: string[] = [];
  const decoder = new StringDecoder('utf8'); // a chunk may end inside a character
  let partial = '';
  const onLine = (line: string) => {
    if (!line.trim()) return;
    const progress = tqdmProgress(line);
    if (progress) return ctx.progress.update(progress.done, progress.total);
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    ctx.log.info(line);
    parser.push(line);
  };
  try {
    for await (const chunk of job.tail(0, { signal: ctx.signal })) {
      const lines = (partial + decoder.write(chunk.data)).split(/\r\n|\r|\n/);
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    }
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
  }
  if (ctx.signal.reason instanceof RunDetached) {
    ctx.log.info(`left job ${job.id} running on ${ctx.host.name}; the next run of this node re-attaches to it`);
    throw ctx.signal.reason;
  }
  if (ctx.signal.aborted) {
    const status = await job.cancel({ graceMs: CANCEL_GRACE_MS });
    ctx.log.warn(`cancelled job ${job.id} (${status.state === 'exited' ? `exit ${status.code}` : status.state})`);
    throw ctx.signal.reason ?? new Error('cancelled');
  }
  onLine(partial + decoder.end());
  parser.end();
  const status = await job.wait({ signal: ctx.signal });
  const exitCode = status.state === 'exited' ? status.code : null;
  if (exitCode !== 0) {
    throw new Error(
      `${launch.trainer} job ${job.id} on ${ctx.host.name} ${exitCode === null ? 'died without an exit code' : `exited with ${exitCode}`}; ` +
        `last lines of ${job.logPath}:\n${tail.join('\n')}`,
    );
  }
  return { trainer: launch.trainer, host: ctx.host.name, jobId: job.id, checkpointPath, metrics: parser.metrics, exitCode };
}

/** The recorded job if it can be followed to a good end: still running, or already finished with exit code 0. */
async function reusableJob(ctx: NodeContext, id: string): Promise<{ job: Job; status: JobStatus } | undefined> {
  const job = await ctx.host.attachJob(id).catch(() => undefined);
  if (!job) return undefined;
  const status = await job.status();
  return status.state !== 'exited' || status.code === 0 ? { job, status } : undefined;
}

function recordJob(ctx: NodeContext, path: string, record: LaunchRecord): Promise<void> {
  return checked(ctx, 'record the job', ['sh', '-c', 'umask 077 && cat > "$1"', 'sh', path], JSON.stringify(record));
}

async function readRecord(ctx: NodeContext, path: string): Promise<LaunchRecord | undefined> {
  const result = await ctx.host.exec(['cat', path], { signal: ctx.signal });
  if (result.exitCode !== 0) return undefined;
  try {
    const record = JSON.parse(result.stdout.toString('utf8')) as LaunchRecord;
    return typeof record.jobId === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

async function checked(ctx: NodeContext, what: string, argv: readonly string[], stdin?: string): Promise<void> {
  const result = await ctx.host.exec(argv, { signal: ctx.signal, ...(stdin !== undefined ? { stdin } : {}) });
  if (result.exitCode !== 0) throw new Error(`cannot ${what} on ${ctx.host.name}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
}
