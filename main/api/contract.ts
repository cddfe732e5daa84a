/**
 * The one API contract between the engine and its clients (the editor in Electron or a browser, tests, scripts).
 * Pure types and zod schemas: imported by `main/server` to serve it and by `renderer/api` to call it.
 */
import { z } from 'zod';
import type { GraphFile } from '../graph/format.ts';
import type { LoadNotice } from '../graph/parse.ts';

export type { GraphFile, LoadNotice };

// ---- catalog -------------------------------------------------------------------------------------------------

export interface PortInfo {
  name: string;
  dataType: string;
  description: string;
  optional: boolean;
  multiple: boolean;
  /** The output carries the data type arriving at this input (pass-through nodes such as filters). */
  sameTypeAs?: string;
}

export interface NodeTypeInfo {
  type: string;
  version: number;
  title: string;
  category: string;
  description: string;
  mode: 'map' | 'once';
  /** For map nodes, the input port mapped over. */
  over?: string;
  deterministic: boolean;
  inputs: PortInfo[];
  outputs: PortInfo[];
  /** JSON Schema (draft 2020-12) of the config, with `default`, `description` and `x-kind` widget hints. */
  configSchema: Record<string, unknown>;
  /** A model-server node: output `port` is served as the provider profile its config field `field` names. */
  servesProfile?: { port: string; field: string };
}

export interface DataTypeInfo {
  id: string;
  title: string;
  description: string;
  color: string;
  accepts: string[];
}

export interface Catalog {
  nodes: NodeTypeInfo[];
  dataTypes: DataTypeInfo[];
}

// ---- validation ----------------------------------------------------------------------------------------------

export interface ValidationError {
  nodeId: string;
  field?: string;
  message: string;
}

export interface ValidationResult {
  ok: boolean;
  errors: ValidationError[];
  notices: LoadNotice[];
}

// ---- runs ----------------------------------------------------------------------------------------------------

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export type NodeState = 'queued' | 'running' | 'cached' | 'done' | 'failed' | 'cancelled' | 'skipped';

/** An integer of at least `least`; anything else is refused saying `what` it must be and what it got. */
function wholeNumber(least: number, what: string) {
  const error = (issue: { input?: unknown }) => `${what}, got ${JSON.stringify(issue.input)}`;
  return z.int({ error }).min(least, { error });
}

/** A sample run: `n` items of each source's output ports, chosen by `seed` (default 0) and kept in their order. */
export const sampleRequestSchema = z.object({
  n: wholeNumber(1, 'the sample size must be a positive integer'),
  seed: wholeNumber(0, 'the sample seed must be a non-negative integer').optional(),
});
export type SampleRequest = z.infer<typeof sampleRequestSchema>;
/** A sample run as recorded: its size and the seed it was chosen with. */
export type SampleSpec = Required<SampleRequest>;

export const runRequestSchema = z.object({
  graph: z.unknown(),
  /** Run only this node and what it needs. */
  until: z.string().optional(),
  /** Re-run this node and everything downstream; everything upstream must come from the cache. */
  from: z.string().optional(),
  /** Ignore every cache (node, item and LLM request) and recompute; results are still stored. */
  noCache: z.boolean().optional(),
  /**
   * Re-run this map node's failed items (with what it needs, when neither `until` nor `from` is given), asking the
   * model again for their requests instead of taking the LLM request cache's earlier reply; every other item and
   * node reads the caches as usual.
   */
  retryFailed: z.object({ nodeId: z.string() }).optional(),
  /**
   * Run on `n` items of each source (a node type without inputs, e.g. video or JSONL source), seeded; items are
   * cached as usual, so a later full run reuses the sampled items' results. Combines with `until` and `from`.
   */
  sample: sampleRequestSchema.optional(),
  /**
   * `streaming` (default): map nodes consume the items of upstream map nodes while those still run; `barrier`: a node
   * starts once all its upstream nodes finished. Keys and outputs are the same either way.
   */
  execution: z.enum(['streaming', 'barrier']).optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

export interface NodeTotals {
  itemsTotal: number;
  itemsDone: number;
  itemsCached: number;
  itemsFailed: number;
  llmCalls: number;
  llmCached: number;
  /** JSON repair requests: replies that failed their schema and were asked for again. */
  llmRepairs: number;
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
}

export interface NodeRunInfo extends NodeTotals {
  nodeId: string;
  nodeType: string;
  state: NodeState;
  nodeKey: string | null;
  error: string | null;
  /** Output port → number of items. */
  outputCounts: Record<string, number>;
}

export interface RunInfo {
  runId: string;
  graphName: string;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
  totals: NodeTotals;
  /** Present when the run was a sample run: its results come from `n` items of each source. */
  sample?: SampleSpec;
}

export interface RunDetail extends RunInfo {
  /** The graph as run, without secret-looking values. */
  graph: GraphFile;
  /** Where secret-looking values were removed from `graph` (paths such as `nodes[ask].config.apiKey`, never values). */
  removedSecrets: string[];
  nodes: NodeRunInfo[];
}

/** A point a node recorded while running (a trainer's step: loss, reward, KL…); `seq` orders a node's points. */
export interface NodeMetric {
  seq: number;
  point: { step: number } & { [name: string]: number | undefined };
}

export type RunEvent =
  /** `sample`: the run is a sample run (see `RunInfo.sample`). */
  | { type: 'run-started'; runId: string; graphName: string; nodeIds: string[]; sample?: SampleSpec }
  | { type: 'node-state'; runId: string; nodeId: string; state: NodeState; error?: string }
  | {
      type: 'node-progress';
      runId: string;
      nodeId: string;
      done: number;
      /** Items of the node's input available so far: all of them, unless it consumes a node still running. */
      available: number;
      /** Items of the node's input, once all of it is known. */
      total: number | null;
      cached: number;
      failed: number;
    }
  | { type: 'node-log'; runId: string; nodeId: string; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'item-error'; runId: string; nodeId: string; seq: number; message: string }
  | { type: 'node-metric'; runId: string; nodeId: string; metric: NodeMetric }
  | { type: 'run-finished'; runId: string; status: RunStatus; error?: string; totals: NodeTotals };

// ---- outputs -------------------------------------------------------------------------------------------------

export const outputQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Case-insensitive text that an item's JSON must contain. */
  search: z.string().optional(),
  /** `field=value` on a top-level or dotted field, e.g. `kept=true` or `verdict.stage=F2`. */
  where: z.string().optional(),
});
export type OutputQuery = z.infer<typeof outputQuerySchema>;

export interface OutputPage {
  nodeId: string;
  port: string;
  /** Items matching the query (all items when unfiltered). */
  total: number;
  offset: number;
  items: Array<{ seq: number; data: unknown }>;
}

/** One LLM call made for an item (a repair request is a call of its own). */
export interface ItemLlmCall {
  profile: string;
  model: string;
  /** HTTP requests sent, retries included; 0 for a reply from the cache. */
  attempts: number;
  cached: boolean;
  repair: boolean;
  latencyMs: number;
  error: string | null;
}

export interface ItemErrorInfo {
  /** The item's position in the node's mapped input. */
  seq: number;
  message: string;
  /** The model's raw reply, when the failure came from one. */
  raw: string | null;
  /** The item as the node received it; absent when the node's input is no longer stored (pruned). */
  input?: unknown;
  /** The LLM calls made for the item, in order. */
  calls: ItemLlmCall[];
}

/** Paging of a node's item errors; `search` is case-insensitive text the error message or raw reply contains. */
export type ItemErrorQuery = Partial<Pick<OutputQuery, 'offset' | 'limit' | 'search'>>;

export interface ItemErrorPage {
  total: number;
  offset: number;
  errors: ItemErrorInfo[];
}

// ---- provenance ----------------------------------------------------------------------------------------------

/** One row of a run's outputs: a node's output port and the row's position in it. */
export const rowRefSchema = z.object({
  nodeId: z.string().min(1),
  port: z.string().min(1),
  seq: z.coerce.number().int().min(0),
});
export type RowRef = z.infer<typeof rowRefSchema>;

export interface ProvenanceRow extends RowRef {
  nodeType: string;
  dataType: string;
  data: unknown;
}

/** A row of an exported dataset file (SFT/GRPO JSONL or a LLaMA-Factory JSON array) that mentions the question. */
export interface ExportedRow {
  nodeId: string;
  file: string;
  /** 1-based line of the file. */
  line: number;
  row: unknown;
}

/**
 * Everything a run holds about one row's item, found through the ids items carry: its question's lineage (the QA,
 * each filter's verdict, the MCQ, trajectories, CoTs, rewards, in every output they reached), the video and caption
 * it comes from, and the exported rows it became.
 */
export interface Provenance {
  origin: ProvenanceRow;
  /** Every related row, in the graph's node order (the origin included). */
  rows: ProvenanceRow[];
  exported: ExportedRow[];
  /** Some output or file had more related rows than are returned. */
  truncated: boolean;
}

// ---- cache explanation ---------------------------------------------------------------------------------------

export interface ExplainChange {
  kind: 'new' | 'type' | 'config' | 'prompt' | 'input' | 'fingerprint' | 'nondeterministic' | 'output-missing';
  /** The config field, prompt field, input port or fingerprint name. */
  field?: string;
  message: string;
}

export interface Explanation {
  nodeId: string;
  /** Whether the next run would take the node's output from the cache. */
  cached: boolean;
  nodeKey: string;
  /** Why it would run, compared with the last run of this node in a graph of the same name. */
  changes: ExplainChange[];
}

/** Without `nodeId`, every node of the graph is explained. */
export const explainRequestSchema = z.object({ graph: z.unknown(), nodeId: z.string().optional() });
export const validateRequestSchema = z.object({ graph: z.unknown() });

/** A JSON Schema a config field holds, checked as the engine's validation checks it (ajv compiles it). */
export const jsonSchemaCheckRequestSchema = z.object({ schema: z.record(z.string(), z.unknown()) });
export interface JsonSchemaCheck {
  /** Why ajv cannot compile the schema; null when it can. */
  error: string | null;
}

// ---- templates -----------------------------------------------------------------------------------------------

export interface TemplateInfo {
  /** File name without `.rewatch.json`, e.g. `rewatch-r1`. */
  name: string;
  title: string;
  description: string;
  nodeCount: number;
}

// ---- settings ------------------------------------------------------------------------------------------------

/** What a graph may name: provider profiles and hosts from the data dir's settings (names only, never keys). */
export interface SettingsInfo {
  providers: Array<{ name: string; model: string; baseURL: string }>;
  hosts: string[];
  /** The engine's data dir: its store, `providers.yaml`, `hosts.yaml` and server token. */
  dataDir: string;
}

/** The settings files the editor edits: the data dir's `providers.yaml` and `hosts.yaml`. */
export const settingsKindSchema = z.enum(['providers', 'hosts']);
export type SettingsKind = z.infer<typeof settingsKindSchema>;

/** One settings file as the editor edits it. */
export interface SettingsFileInfo {
  kind: SettingsKind;
  /** Where edits are written (created on the first save when it does not exist yet). */
  path: string;
  /** Its entries as written, in file order; passwords and keys in URLs masked (a masked value saved back is kept). */
  entries: Array<Record<string, unknown>>;
  /**
   * JSON Schema of an entry (`io: input`, so defaulted fields are optional): `profile` for providers; `ssh` and
   * `slurm` for hosts, by the entry's `kind`.
   */
  schemas: Record<string, Record<string, unknown>>;
}

/** A problem with one field of an entry: `baseURL`, `login.workDir`; empty for the entry (or file) as a whole. */
export interface SettingsFieldError {
  field: string;
  message: string;
}

export const saveSettingsEntrySchema = z.object({
  /** The entry's name before this edit; absent for a new entry. */
  previousName: z.string().optional(),
  entry: z.record(z.string(), z.unknown()),
});
export type SaveSettingsEntry = z.infer<typeof saveSettingsEntrySchema>;

export const deleteSettingsEntrySchema = z.object({ name: z.string() });

/** A save is checked by the schemas the engine loads the file with: written and reloaded only when it passes. */
export type SettingsSaveResult = { ok: true; settings: SettingsInfo } | { ok: false; errors: SettingsFieldError[] };

/** What "Test connection" found on a host. */
export interface HostTestResult {
  host: string;
  kind: 'local' | 'ssh' | 'slurm';
  /** `uname -srm`. */
  os: string;
  /** Free space of the host's work dir file system. */
  freeDiskBytes: number;
  /** Parsed from `nvidia-smi`; empty when the host has none. */
  gpus: Array<{ name: string; memoryMiB: number; utilization: number | null }>;
  latencyMs: number;
}

/** One chat request sent through a provider profile, as the nodes would send it. */
export interface ProviderTestResult {
  provider: string;
  model: string;
  /** The model name the server reported in its reply. */
  servedModel: string;
  reply: string;
  latencyMs: number;
}

// ---- model servers -------------------------------------------------------------------------------------------

/** A vLLM/SGLang server the engine started for a run (a `rewatch.model-server` node), kept while a run uses it or kept warm. */
export interface ModelServerInfo {
  /** Stable for one (engine, model, arguments, host): the same server is reused by later runs while it lives. */
  id: string;
  /** The provider profile it is published as. */
  profile: string;
  engine: 'vllm' | 'sglang';
  model: string;
  host: string;
  /** The forwarded local endpoint (`http://127.0.0.1:<port>/v1`); null for a server an earlier session started,
   * until a run of this session uses it again. */
  baseURL: string | null;
  keepWarm: boolean;
  /** Runs using it now. */
  runIds: string[];
  startedAt: number;
}

// ---- HTTP routes ---------------------------------------------------------------------------------------------

/** Every route of the local server, keyed by the `EngineApi` method it serves (plus media and the event stream). */
export const routes = {
  catalog: { method: 'GET', path: '/api/catalog' },
  validate: { method: 'POST', path: '/api/graphs/validate' },
  checkJsonSchema: { method: 'POST', path: '/api/json-schema/check' },
  explain: { method: 'POST', path: '/api/graphs/explain' },
  startRun: { method: 'POST', path: '/api/runs' },
  listRuns: { method: 'GET', path: '/api/runs' },
  getRun: { method: 'GET', path: '/api/runs/:runId' },
  cancelRun: { method: 'POST', path: '/api/runs/:runId/cancel' },
  nodeOutput: { method: 'GET', path: '/api/runs/:runId/nodes/:nodeId/outputs/:port' },
  nodeErrors: { method: 'GET', path: '/api/runs/:runId/nodes/:nodeId/errors' },
  nodeMetrics: { method: 'GET', path: '/api/runs/:runId/nodes/:nodeId/metrics' },
  provenance: { method: 'GET', path: '/api/runs/:runId/provenance' },
  listTemplates: { method: 'GET', path: '/api/templates' },
  settings: { method: 'GET', path: '/api/settings' },
  settingsFile: { method: 'GET', path: '/api/settings/:kind' },
  saveSettingsEntry: { method: 'PUT', path: '/api/settings/:kind' },
  deleteSettingsEntry: { method: 'POST', path: '/api/settings/:kind/delete' },
  getTemplate: { method: 'GET', path: '/api/templates/:name' },
  testHost: { method: 'POST', path: '/api/hosts/:name/test' },
  testProvider: { method: 'POST', path: '/api/providers/:name/test' },
  modelServers: { method: 'GET', path: '/api/model-servers' },
  stopModelServer: { method: 'POST', path: '/api/model-servers/:id/stop' },
  media: { method: 'GET', path: '/api/media/:hash' },
  events: { method: 'GET', path: '/api/events' },
} as const;

/** The body of every error response: what went wrong and, for graph problems, where. */
export interface ApiErrorBody {
  error: string;
  errors?: ValidationError[];
}

/** Clients send the server's token as `Authorization: Bearer <token>`, or as `?token=` on the two GET routes where
 * headers cannot be set: media elements (`routes.media`) and a browser's WebSocket (`routes.events`). */
export const TOKEN_QUERY = 'token';

/** The largest request body the server reads (a graph file is far smaller); larger ones get 413 unread. */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

/** The HTTP statuses an API error can carry (the engine raises 400/404/409; the server adds the others). */
export type ApiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 416 | 426 | 500 | 502 | 503;

/** Raised by the engine for a request that cannot be served; the server maps `status` to the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: ApiErrorStatus,
    message: string,
    readonly errors?: ValidationError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * What the engine offers, implemented in process by `main/engine` and over HTTP/WebSocket by `renderer/api`:
 * a client written against this interface runs the same in Electron, in a browser and in tests.
 */
export interface EngineApi {
  catalog(): Promise<Catalog>;
  validate(graph: unknown): Promise<ValidationResult>;
  /** Compiles a config field's JSON Schema as validation does (the editor cannot: its CSP forbids ajv's codegen). */
  checkJsonSchema(schema: Record<string, unknown>): Promise<JsonSchemaCheck>;
  explain(graph: unknown, nodeId?: string): Promise<Explanation[]>;
  /** Rejects with `ApiError(400, …, errors)` when the graph is invalid: a run never starts on an invalid graph. */
  startRun(request: RunRequest): Promise<{ runId: string }>;
  listRuns(): Promise<RunInfo[]>;
  getRun(runId: string): Promise<RunDetail>;
  cancelRun(runId: string): Promise<{ cancelled: boolean }>;
  nodeOutput(runId: string, nodeId: string, port: string, query: Partial<OutputQuery>): Promise<OutputPage>;
  nodeErrors(runId: string, nodeId: string, query: ItemErrorQuery): Promise<ItemErrorPage>;
  /** Every metric point the node recorded in the run so far (new ones arrive as `node-metric` events). */
  nodeMetrics(runId: string, nodeId: string): Promise<NodeMetric[]>;
  /** The sources and fate of one output row of a run (`Provenance`); rejects with 404 for a row the run does not have. */
  provenance(runId: string, row: RowRef): Promise<Provenance>;
  listTemplates(): Promise<TemplateInfo[]>;
  settings(): Promise<SettingsInfo>;
  /** A settings file's entries and the JSON Schema they are validated with. */
  settingsFile(kind: SettingsKind): Promise<SettingsFileInfo>;
  /**
   * Adds an entry or replaces the one named `previousName`, writes the file (keeping its comments) and reloads the
   * settings without a restart: the next request through a changed profile, a running run's too, goes by the new
   * one; nodes started after the save use the new hosts.
   */
  saveSettingsEntry(kind: SettingsKind, request: SaveSettingsEntry): Promise<SettingsSaveResult>;
  /** Removes an entry from its file and reloads; 404 when there is none of that name. */
  deleteSettingsEntry(kind: SettingsKind, name: string): Promise<SettingsInfo>;
  /** Connects to a host of the settings and reports its OS, free disk and GPUs; rejects with what failed. */
  testHost(name: string): Promise<HostTestResult>;
  /** Sends one short chat request through a provider profile (never cached); rejects with what failed. */
  testProvider(name: string): Promise<ProviderTestResult>;
  modelServers(): Promise<ModelServerInfo[]>;
  /** Stops a model server no run is using (kept-warm servers live until stopped). */
  stopModelServer(id: string): Promise<{ stopped: boolean }>;
  /** A template graph, to start a new graph from. */
  getTemplate(name: string): Promise<GraphFile>;
  /** Returns a function that stops the subscription. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}
