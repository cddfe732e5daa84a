import type { HostHandle, Job, LocalForward } from '../../nodes/sdk/host.ts';

/**
 * Model servers (vLLM, SGLang) run as detached jobs on a host and reached through a local port forward, so a
 * checkpoint on a GPU box becomes an OpenAI-compatible endpoint on this machine.
 */

export interface ModelServerSpec {
  engine: 'vllm' | 'sglang';
  /** A Hugging Face id or a folder on the host (e.g. a TrainingRun's checkpoint). */
  model: string;
  /** The port the server listens on, on the host. */
  port: number;
  tensorParallel?: number;
  maxModelLen?: number;
  /** vLLM's `--limit-mm-per-prompt`; one video per prompt by default. */
  limitMmPerPrompt?: Record<string, number>;
  extraArgs?: readonly string[];
  /** How long to wait for `GET /v1/models` to answer (10 minutes by default: large models load slowly). */
  readyTimeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called as soon as the job exists, before the model has loaded (to record it in case this process dies). */
  onJob?(job: Job): void;
}

export interface RunningModelServer {
  /** `http://127.0.0.1:<forwarded port>/v1` on this machine. */
  baseURL: string;
  /** The model name the server answers to. */
  model: string;
  job: Job;
  /** Cancels the job and closes the forward. */
  stop(): Promise<void>;
  /** Closes the forward and leaves the job running (a server kept warm past this session). */
  detach(): Promise<void>;
}

export function modelServerArgv(spec: ModelServerSpec): string[] {
  const extra = spec.extraArgs ?? [];
  if (spec.engine === 'vllm') {
    return [
      'vllm', 'serve', spec.model,
      '--port', String(spec.port),
      '--limit-mm-per-prompt', JSON.stringify(spec.limitMmPerPrompt ?? { video: 1 }),
      ...(spec.tensorParallel ? ['--tensor-parallel-size', String(spec.tensorParallel)] : []),
      ...(spec.maxModelLen ? ['--max-model-len', String(spec.maxModelLen)] : []),
      ...extra,
    ];
  }
  return [
    'python3', '-m', 'sglang.launch_server',
    '--model-path', spec.model,
    '--port', String(spec.port),
    ...(spec.tensorParallel ? ['--tp', String(spec.tensorParallel)] : []),
    ...(spec.maxModelLen ? ['--context-length', String(spec.maxModelLen)] : []),
    ...extra,
  ];
}

/** Starts the server as a detached job and resolves once `/v1/models` answers through the forwarded port. */
export async function startModelServer(host: HostHandle, spec: ModelServerSpec): Promise<RunningModelServer> {
  const job = await host.startJob({ argv: modelServerArgv(spec), name: `${spec.engine} ${spec.model}` });
  spec.onJob?.(job);
  return connect(host, job, spec, { cancelOnFailure: true });
}

/** Reaches a server job started earlier (by this or an earlier session); the job is left alone if it does not answer. */
export function attachModelServer(host: HostHandle, job: Job, spec: ModelServerSpec): Promise<RunningModelServer> {
  return connect(host, job, spec, { cancelOnFailure: false });
}

async function connect(host: HostHandle, job: Job, spec: ModelServerSpec, options: { cancelOnFailure: boolean }): Promise<RunningModelServer> {
  let forward: LocalForward | undefined;
  const detach = async () => {
    await forward?.close();
  };
  const stop = async () => {
    await detach();
    await job.cancel({ graceMs: 10_000 });
  };
  try {
    const baseURL = await untilReady(job, spec, async () => {
      forward = await host.forwardLocal(spec.port, await job.address());
      return `http://127.0.0.1:${forward.localPort}/v1`;
    });
    return { baseURL, model: spec.model, job, stop, detach };
  } catch (error) {
    await (options.cancelOnFailure ? stop() : detach()).catch(() => {});
    throw error;
  }
}

/**
 * Polls until `/v1/models` answers, forwarding the port once the job runs: a Slurm job may wait in the queue, and
 * its port is on the compute node it lands on. Queueing and loading share the one deadline.
 */
async function untilReady(job: Job, spec: ModelServerSpec, openForward: () => Promise<string>): Promise<string> {
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 600_000);
  let baseURL: string | undefined;
  for (;;) {
    spec.signal?.throwIfAborted();
    if (baseURL && (await answers(baseURL))) return baseURL;
    const status = await job.status();
    if (status.state === 'exited') {
      throw new Error(`${spec.engine} on ${job.hostName} exited (${status.code}) before it was ready:\n${await logTail(job)}`);
    }
    if (status.state === 'running' && !baseURL) {
      baseURL = await openForward();
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        baseURL
          ? `${spec.engine} on ${job.hostName} was not ready in time:\n${await logTail(job)}`
          : `${spec.engine} on ${job.hostName} is still queued (${status.detail ?? 'pending'})`,
      );
    }
    await new Promise((r) => setTimeout(r, spec.pollMs ?? 1000));
  }
}

function answers(baseURL: string): Promise<boolean> {
  return fetch(`${baseURL}/models`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
}

async function logTail(job: Job, lines = 30): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of job.tail(0)) parts.push(chunk.data);
  return Buffer.concat(parts).toString('utf8').split('\n').slice(-lines).join('\n');
}
