import { randomBytes } from 'node:crypto';
import type { ExecOptions, ProcessResult } from '../../nodes/sdk/index.ts';
import { HostConnectionError, sleep } from './errors.ts';
import type { JobRecord, JobStore } from './job-store.ts';
import { followLog } from './log-follow.ts';
import { RecordedJob } from './recorded-job.ts';
import { isEnvName, quoteArg, shellQuote } from './shell-quote.ts';
import type { Job, JobSpec, JobStatus, LogChunk, TailOptions } from './types.ts';

/** What detached jobs need of a host: a POSIX shell reached through `exec`, and the app's folder there. */
export interface JobHost {
  readonly name: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ProcessResult>;
  workDir(): Promise<string>;
  /** Up to `maxBytes` of a file from `offset` without starting a process (SFTP); `undefined` when it does not exist. */
  readFile(path: string, offset?: number, maxBytes?: number): Promise<Buffer | undefined>;
  readonly jobStore: JobStore;
}

/** How often a tail also asks the host whether the job's processes are still there (a job killed by the OOM killer
 * or a reboot never writes its exit code). Between those checks a tail only reads files. */
const LIVENESS_CHECK_MS = 10_000;

/** A sortable, path-safe job id: `20261124-000652-3fa9c1`. */
export function newJobId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function isJobId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !id.includes('..');
}

/** `env 'K=V' … ` for a job script (empty without env). */
function envPrefix(env: Record<string, string> | undefined): string {
  const pairs = Object.entries(env ?? {}).map(([key, value]) => {
    if (!isEnvName(key)) throw new Error(`"${key}" is not a valid environment variable name`);
    return `${key}=${value}`;
  });
  return pairs.length ? `env ${shellQuote(pairs)} ` : '';
}

/**
 * The body shared by the process runner and the Slurm batch script: go to `cwd`, run the argv (quoted, never
 * interpreted), and record its exit code in `<dir>/exit-code` (written via a temporary file, so it is whole).
 */
export function jobBody(dir: string, spec: JobSpec): string[] {
  if (!spec.argv.length || !spec.argv[0]) throw new Error('a job needs a command');
  if (spec.env && Object.keys(spec.env).length && spec.argv[0].includes('=')) {
    throw new Error(`the command "${spec.argv[0]}" cannot contain "="`);
  }
  const exitTmp = quoteArg(`${dir}/exit-code.tmp`);
  const exitFile = quoteArg(`${dir}/exit-code`);
  return [
    `cd ${quoteArg(spec.cwd ?? dir)} || { echo 126 > ${exitTmp} && mv -f ${exitTmp} ${exitFile}; exit 126; }`,
    `${envPrefix(spec.env)}${shellQuote(spec.argv)}`,
    'code=$?',
    `echo "$code" > ${exitTmp} && mv -f ${exitTmp} ${exitFile}`,
    'exit "$code"',
  ];
}

/** `run.sh`: the detached runner. It is its own session and process group leader, so `$$` is the group id. */
function runScript(id: string, dir: string, spec: JobSpec): string {
  const pidTmp = quoteArg(`${dir}/pid.tmp`);
  return [
    '#!/bin/sh',
    `# ReWatch Studio job ${id}${spec.name ? ` (${spec.name.replace(/[\r\n]+/g, ' ')})` : ''}`,
    `echo $$ > ${pidTmp} && mv -f ${pidTmp} ${quoteArg(`${dir}/pid`)}`,
    // A cancel sends TERM to the whole group; this shell survives it to record the program's exit code.
    'trap : TERM INT',
    ...jobBody(dir, spec),
    '',
  ].join('\n');
}

/**
 * Starts `run.sh` detached (`setsid -f nohup sh run.sh > log 2>&1 < /dev/null`), so it survives the end of the SSH
 * session and of the app, then waits for its pid file. `setsid -f` rather than `setsid … &`: a background job of a
 * non-interactive shell would have SIGINT ignored, and the program would inherit that.
 * $1 = job dir, $2 = the quoted argv (written to `command`), stdin = run.sh.
 */
const LAUNCH = `set -e
d=$1
mkdir -p "$d"
cat > "$d/run.sh"
printf '%s\\n' "$2" > "$d/command"
: > "$d/log"
cd "$d"
if setsid -f true >/dev/null 2>&1; then
  setsid -f nohup sh "$d/run.sh" >> "$d/log" 2>&1 < /dev/null
elif command -v setsid >/dev/null 2>&1; then
  setsid nohup sh "$d/run.sh" >> "$d/log" 2>&1 < /dev/null &
else
  set -m
  nohup sh "$d/run.sh" >> "$d/log" 2>&1 < /dev/null &
fi
i=0
while [ ! -s "$d/pid" ]; do
  i=$((i + 1))
  if [ "$i" -gt 200 ]; then echo "the job did not start; see $d/log" >&2; exit 1; fi
  sleep 0.05
done
cat "$d/pid"
`;

/** Whether any process of group $1 is alive (zombies do not count). */
const ALIVE = `alive() {
  if out=$(ps -e -o pgid= -o stat= 2>/dev/null); then
    printf '%s\\n' "$out" | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
  else
    kill -0 -"$1" 2>/dev/null
  fi
}`;

/** Prints `@rewatch-status exited N|running|lost|missing` for job dir $1 and process group $2. */
const STATUS_OF = `${ALIVE}
status_of() {
  if [ ! -d "$1" ]; then echo "@rewatch-status missing"
  elif [ -f "$1/exit-code" ]; then printf '@rewatch-status exited %s\\n' "$(cat "$1/exit-code")"
  elif alive "$2"; then echo "@rewatch-status running"
  else echo "@rewatch-status lost"; fi
}`;

/** $1 = job dir, $2 = process group. */
const STATUS = `${STATUS_OF}
status_of "$1" "$2"`;

/** $1 = dir, $2 = group, $3 = grace in tenths of a second. TERM the group, KILL it after the grace period. */
const CANCEL = `${ALIVE}
d=$1; pg=$2
[ -f "$d/exit-code" ] && exit 0
kill -TERM -"$pg" 2>/dev/null || true
i=0
while alive "$pg" && [ "$i" -lt "$3" ]; do sleep 0.1; i=$((i + 1)); done
if alive "$pg"; then
  kill -KILL -"$pg" 2>/dev/null || true
  sleep 0.2
fi
[ -f "$d/exit-code" ] || { echo 137 > "$d/exit-code.tmp" && mv -f "$d/exit-code.tmp" "$d/exit-code"; }
exit 0`;

function parseStatus(text: string, job: string): JobStatus {
  const match = /@rewatch-status (\S+)(?: (\S*))?/.exec(text);
  if (!match) throw new Error(`job ${job}: cannot read its status: ${text.trim()}`);
  switch (match[1]) {
    case 'running':
      return { state: 'running' };
    case 'exited': {
      const code = Number.parseInt(match[2] ?? '', 10);
      return { state: 'exited', code: Number.isNaN(code) ? null : code };
    }
    case 'lost':
      return { state: 'exited', code: null, detail: 'the job ended without recording an exit code (killed or machine restarted)' };
    default:
      throw new Error(`job ${job}: its folder is gone from the host`);
  }
}

async function sh(host: JobHost, script: string, args: readonly string[], stdin?: string): Promise<ProcessResult> {
  const result = await host.exec(['sh', '-c', script, 'sh', ...args], stdin === undefined ? {} : { stdin });
  return result;
}

/** A detached process on a host, in its own process group, with its folder `<workDir>/jobs/<id>/`. */
class ProcessJob extends RecordedJob implements Job {
  readonly kind = 'process' as const;
  readonly #host: JobHost;

  constructor(host: JobHost, record: JobRecord) {
    super(host.jobStore, record);
    this.#host = host;
  }

  async address(): Promise<string> {
    return '127.0.0.1';
  }

  /** `exited` once `exit-code` exists (read over SFTP); otherwise the host is asked whether the process group lives. */
  async status(): Promise<JobStatus> {
    const recorded = await this.#recordedExit();
    if (recorded) return recorded;
    const result = await sh(this.#host, STATUS, [this.dir, this.externalId]);
    if (result.exitCode !== 0) throw new Error(`job ${this.id}: status failed: ${result.stderr.trim()}`);
    const status = parseStatus(result.stdout.toString('utf8'), this.id);
    this.noteEnd(status);
    return status;
  }

  async #recordedExit(): Promise<JobStatus | undefined> {
    const text = await this.#host.readFile(`${this.dir}/exit-code`, 0, 64);
    if (text === undefined) return undefined;
    const code = Number.parseInt(text.toString('utf8').trim(), 10);
    const status: JobStatus = { state: 'exited', code: Number.isNaN(code) ? null : code };
    this.noteEnd(status);
    return status;
  }

  /**
   * Reads the log over SFTP from `fromOffset`: the exit-code file is read before each log read, so once it exists
   * the log read after it is complete. Every `LIVENESS_CHECK_MS` the host is also asked whether the job still runs.
   */
  tail(fromOffset = 0, options: TailOptions = {}): AsyncIterable<LogChunk> {
    let lastCheck = 0;
    return followLog(
      async (offset, maxBytes) => {
        let status = await this.#recordedExit();
        if (!status && Date.now() - lastCheck >= LIVENESS_CHECK_MS) {
          status = await this.status();
          lastCheck = Date.now();
        }
        const data = (await this.#host.readFile(this.logPath, offset, maxBytes)) ?? Buffer.alloc(0);
        return { status: status ?? { state: 'running' }, data };
      },
      fromOffset,
      { ...options, defaultPollMs: 500 },
    );
  }

  async cancel(options: { graceMs?: number } = {}): Promise<JobStatus> {
    const ticks = Math.max(0, Math.round((options.graceMs ?? 5000) / 100));
    const result = await sh(this.#host, CANCEL, [this.dir, this.externalId, String(ticks)]);
    if (result.exitCode !== 0) throw new Error(`job ${this.id}: cancel failed: ${result.stderr.trim()}`);
    return this.status();
  }

  wait(options: TailOptions = {}): Promise<JobStatus> {
    return waitForEnd(() => this.status(), options, 1000);
  }

}

/** Polls `status` until the job has ended, riding out lost connections like `followLog`. */
export async function waitForEnd(status: () => Promise<JobStatus>, options: TailOptions, defaultPollMs: number): Promise<JobStatus> {
  const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 5 * 60_000;
  let failingSince: number | undefined;
  for (;;) {
    try {
      const current = await status();
      failingSince = undefined;
      if (current.state === 'exited') return current;
    } catch (error) {
      if (!(error instanceof HostConnectionError)) throw error;
      failingSince ??= Date.now();
      if (Date.now() - failingSince > reconnectTimeoutMs) throw error;
    }
    await sleep(options.pollMs ?? defaultPollMs, options.signal);
  }
}

/** Starts `spec` detached on `host` and records it in the host's job store. */
async function startJob(host: JobHost, spec: JobSpec): Promise<ProcessJob> {
  const id = newJobId();
  const dir = `${await host.workDir()}/jobs/${id}`;
  const result = await sh(host, LAUNCH, [dir, shellQuote(spec.argv)], runScript(id, dir, spec));
  const pid = result.stdout.toString('utf8').trim().split(/\s+/).pop() ?? '';
  if (result.exitCode !== 0 || !/^\d+$/.test(pid)) {
    throw new Error(`${host.name}: cannot start the job: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  }
  const record: JobRecord = {
    id,
    host: host.name,
    kind: 'process',
    name: spec.name ?? spec.argv.join(' ').slice(0, 80),
    dir,
    externalId: pid,
    argv: [...spec.argv],
    startedAt: new Date().toISOString(),
  };
  host.jobStore.put(record);
  return new ProcessJob(host, record);
}

/** Re-attaches to a job by id: from the job store, or (when the store lost it) from its folder on the host. */
async function attachJob(host: JobHost, id: string): Promise<ProcessJob> {
  const known = host.jobStore.get(id);
  if (known) {
    if (known.host !== host.name) throw new Error(`job ${id} belongs to host "${known.host}", not "${host.name}"`);
    if (known.kind !== 'process') throw new Error(`job ${id} is a ${known.kind} job`);
    return new ProcessJob(host, known);
  }
  if (!isJobId(id)) throw new Error(`"${id}" is not a job id`);
  const dir = `${await host.workDir()}/jobs/${id}`;
  const result = await sh(host, 'cat "$1/pid" && cat "$1/command"', [dir]);
  const [pid, ...command] = result.stdout.toString('utf8').split('\n');
  if (result.exitCode !== 0 || !pid || !/^\d+$/.test(pid.trim())) throw new Error(`${host.name} has no job ${id}`);
  const record: JobRecord = {
    id,
    host: host.name,
    kind: 'process',
    name: command.join(' ').trim().slice(0, 80),
    dir,
    externalId: pid.trim(),
    argv: [],
    startedAt: new Date().toISOString(),
  };
  host.jobStore.put(record);
  return new ProcessJob(host, record);
}

/**
 * The job methods of a host whose detached jobs run with the runner above (this machine and SSH hosts; Slurm hosts
 * submit batch jobs instead): one implementation, on top of the host's `exec`, `workDir` and `readFile`.
 */
export abstract class ShellJobHost implements JobHost {
  abstract readonly name: string;
  abstract readonly jobStore: JobStore;
  abstract exec(argv: readonly string[], options?: ExecOptions): Promise<ProcessResult>;
  abstract workDir(): Promise<string>;
  abstract readFile(path: string, offset?: number, maxBytes?: number): Promise<Buffer | undefined>;

  startJob(spec: JobSpec): Promise<Job> {
    return startJob(this, spec);
  }

  attachJob(id: string): Promise<Job> {
    return attachJob(this, id);
  }

  async listJobs(): Promise<Job[]> {
    return Promise.all(this.jobStore.list(this.name).map((record) => this.attachJob(record.id)));
  }
}
