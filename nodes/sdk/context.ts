import type { z } from 'zod';
import type { JsonValue } from './data-types.ts';
import type { HostHandle } from './host.ts';

/** What a node sees of the engine. Everything a node touches comes through here, so nodes test in isolation. */
export interface NodeContext {
  readonly runId: string;
  readonly nodeId: string;
  /** Aborted when the run is cancelled; pass it to every long call. */
  readonly signal: AbortSignal;
  readonly llm: LlmGateway;
  readonly media: MediaTools;
  readonly host: HostHandle;
  readonly storage: NodeStorage;
  readonly log: Logger;
  /** For `once` nodes that know their own progress; map nodes are counted by the engine. */
  readonly progress: ProgressReporter;
  /** Numbers a long job logs as it goes (a trainer's loss, reward, KL): stored with the run and charted live. */
  readonly metrics: MetricsRecorder;
  /** The O&R reward served over HTTP from the engine, for trainers a node launches. */
  readonly reward: RewardService;
}

export interface RewardService {
  /** Starts a reward server on a free loopback port; `token` keeps a re-attached job's token valid. */
  start(options: { judge: string; infer?: string; token?: string }): Promise<RunningRewardService>;
}

export interface RunningRewardService {
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface ProgressReporter {
  update(done: number, total?: number): void;
}

/** One logged step: `step` and the values logged at it, by name (a name absent at a step was not logged there). */
export type MetricPoint = { readonly step: number } & { readonly [name: string]: number | undefined };

interface MetricsRecorder {
  record(point: MetricPoint): void;
}

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'video_url'; video_url: { url: string } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

export interface LlmRequest {
  /** Name of a provider profile from the data dir's settings (never an endpoint or key). */
  profile: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  /**
   * Ask for JSON matching this JSON Schema (a user-written schema, e.g. `core.llm-map`'s); the reply is parsed and
   * validated, with one repair attempt. Nodes with a schema of their own use `completeJson` instead.
   */
  jsonSchema?: Record<string, unknown>;
  /** Extra fields for the server (for vLLM: `mm_processor_kwargs`, `top_k`…). Part of the request cache key. */
  extraBody?: Record<string, unknown>;
  /** Distinguishes otherwise identical requests that must not share a cached answer (e.g. sampling attempts). */
  cacheSalt?: string;
}

interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface LlmResponse {
  /** The reply with any `<think>` preamble removed. */
  text: string;
  /** The raw reply as the server sent it. */
  raw: string;
  /** The parsed, validated JSON when `jsonSchema` was given. */
  json?: JsonValue;
  usage: LlmUsage;
  model: string;
  cached: boolean;
  latencyMs: number;
}

export interface LlmJsonResponse<T> extends LlmResponse {
  /** The reply parsed by the schema (its defaults and transforms applied). */
  value: T;
}

export interface LlmGateway {
  complete(request: LlmRequest): Promise<LlmResponse>;
  /**
   * Asks for JSON of `schema`'s shape: its JSON Schema goes to the server as `response_format` (when the profile
   * allows structured outputs) and into the prompt of the one repair request; the reply is parsed with `schema`.
   */
  completeJson<S extends z.ZodType>(schema: S, request: Omit<LlmRequest, 'jsonSchema'>): Promise<LlmJsonResponse<z.output<S>>>;
}

export interface ProcessResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: Buffer | string;
  signal?: AbortSignal;
}


export interface MediaTools {
  /** Resolved path of ffmpeg (env override, then ffmpeg-static, then PATH). */
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  /** Logical cores of the machine ffmpeg runs on, when known (this machine's; a remote host's are not asked). */
  readonly cores?: number;
  ffmpeg(args: readonly string[], options?: ExecOptions): Promise<ProcessResult>;
  ffprobe(args: readonly string[], options?: ExecOptions): Promise<ProcessResult>;
}

export interface BlobRef {
  hash: string;
  size: number;
}

export interface NodeStorage {
  /** A scratch directory private to this node run. */
  readonly workDir: string;
  /** Stores bytes by content hash (deduplicated) and returns the reference. */
  putBlob(data: Buffer | Uint8Array, mime?: string): Promise<BlobRef>;
  blobPath(hash: string): string;
  /** sha256 of a file's content, memoised by path, size and mtime; `signal` stops the read. */
  fileHash(path: string, signal?: AbortSignal): Promise<string>;
  /**
   * The value kept under `key` in the data dir, or `compute`'s, kept for later runs if it resolves. For work no node
   * key covers (a file's ffprobe reading by content hash): `key` must name everything the value depends on.
   */
  remember<T extends JsonValue>(key: string, compute: () => Promise<T>): Promise<T>;
}

/**
 * The reason a run's signal carries when the app quits rather than the user cancelling: a node leaves the jobs it
 * started on hosts running (a training run survives the laptop closing), and the next run re-attaches to them.
 */
export class RunDetached extends Error {
  constructor() {
    super('the app closed while the run was going; jobs on hosts keep running and the next run re-attaches to them');
    this.name = 'RunDetached';
  }
}
