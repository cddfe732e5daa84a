import {
  ApiError,
  type Catalog,
  type EngineApi,
  type Explanation,
  type HostTestResult,
  type ItemErrorPage,
  type ItemErrorQuery,
  type JsonSchemaCheck,
  type ModelServerInfo,
  type NodeMetric,
  type OutputPage,
  type OutputQuery,
  type Provenance,
  type ProviderTestResult,
  type RowRef,
  type RunDetail,
  type RunEvent,
  type RunInfo,
  type RunRequest,
  type RunStatus,
  type SaveSettingsEntry,
  type SettingsFileInfo,
  type SettingsInfo,
  type SettingsKind,
  type SettingsSaveResult,
  type TemplateInfo,
  type ValidationResult,
} from '../api/contract.ts';
import type { GraphFile } from '../graph/format.ts';
import { GraphFileError, parseGraphValue, type ParsedGraph } from '../graph/parse.ts';
import { withoutSecrets } from '../graph/secrets.ts';
import { listTemplates, loadTemplate } from '../graph/templates.ts';
import { LlmClient, type LlmClientOptions } from '../llm/client.ts';
import type { ProviderProfile } from '../llm/profiles.ts';
import { createHostResolver, loadHosts, type HostResolver } from '../hosts/index.ts';
import { ModelServerManager } from '../model-servers/manager.ts';
import { processAlive, RunStore, type PruneOptions, type PruneReport } from '../store/index.ts';
import type { HostHandle, RewardDefinition } from '../../nodes/sdk/index.ts';
import { EngineRewardService } from '../reward/service.ts';
import type { NodeCatalog } from './catalog.ts';
import { testHost, testProvider } from './connection-tests.ts';
import { redactUrl } from './redact.ts';
import { loadProviders } from './settings.ts';
import { SettingsEditor } from './settings-editor.ts';
import { explainGraph } from './explain.ts';
import { itemErrorPage } from './item-errors.ts';
import { RunExecution } from './executor.ts';
import { planRun, type RunPlan } from './plan.ts';
import { findProvenance } from './provenance.ts';
import { parseSample } from './sample.ts';
import { withServedProfileEdges } from './served-profiles.ts';
import { jsonSchemaError, validateGraph } from './validate.ts';

interface EngineOptions {
  dataDir: string;
  catalog: NodeCatalog;
  /** The settings' profiles. An edit in Settings replaces them with what the data dir's files now hold. */
  providers: ProviderProfile[];
  /** The files given with `--providers`/`--hosts`, read again (and still taking precedence) after an edit. */
  extraSettingsFiles?: { providers?: string | undefined; hosts?: string | undefined };
  /** The hosts nodes may run on (the data dir's hosts.yaml); only this machine when absent. */
  hosts?: HostResolver;
  /** The reward the engine serves (`ctx.reward`, `rewatch reward-server`): the node library's (`nodes/index.ts`). */
  reward?: RewardDefinition;
  /** Retry pacing of the LLM client (tests shorten it). */
  llmBackoff?: LlmClientOptions['backoff'];
  /** Between readiness polls of a starting model server (tests shorten it). */
  modelServerPollMs?: number;
}

/** The engine in process: the `EngineApi` the server serves and the CLI drives. */
export class Engine implements EngineApi {
  readonly store: RunStore;
  readonly nodeCatalog: NodeCatalog;
  /** Reward servers over this engine's LLM client and run store. */
  readonly reward: EngineRewardService;
  readonly #llm: LlmClient;
  readonly #dataDir: string;
  readonly #extraSettingsFiles: NonNullable<EngineOptions['extraSettingsFiles']>;
  #providers: ProviderProfile[];
  #hosts: HostResolver;
  /** Resolvers replaced by a hosts edit: a running job may still use their connections, so they close with the engine. */
  readonly #retiredHosts: HostResolver[] = [];
  readonly #settingsEditor: SettingsEditor;
  readonly #modelServers: ModelServerManager;
  readonly #listeners = new Set<(event: RunEvent) => void>();
  readonly #active = new Map<string, { execution: RunExecution; finished: Promise<RunStatus> }>();

  constructor(options: EngineOptions) {
    this.store = new RunStore(options.dataDir);
    this.store.runs.markInterrupted(processAlive);
    this.nodeCatalog = options.catalog;
    this.#dataDir = options.dataDir;
    this.#extraSettingsFiles = options.extraSettingsFiles ?? {};
    this.#settingsEditor = new SettingsEditor(options.dataDir, (kind) => this.#reload(kind));
    this.#providers = options.providers;
    this.#hosts = options.hosts ?? createHostResolver({ hosts: [] }, { dataDir: options.dataDir });
    this.#llm = new LlmClient({
      profiles: options.providers,
      cache: this.store.llm,
      recorder: this.store.llm,
      leases: this.store.leases,
      ...(options.llmBackoff ? { backoff: options.llmBackoff } : {}),
    });
    this.reward = new EngineRewardService({
      definition: options.reward,
      llm: this.#llm,
      outputs: this.store.outputs,
      nodeDefinitions: options.catalog.definitions(),
      providers: () => this.#providers,
    });
    this.#modelServers = new ModelServerManager({
      host: this.#host,
      records: this.store.modelServers,
      ...(options.modelServerPollMs !== undefined && { pollMs: options.modelServerPollMs }),
    });
  }

  async catalog(): Promise<Catalog> {
    return this.nodeCatalog.describe();
  }

  /** Parses a graph sent as a value; format errors become `ApiError(400)`. */
  parse(graph: unknown): ParsedGraph {
    try {
      return parseGraphValue(graph, 'graph', this.nodeCatalog.lookup);
    } catch (error) {
      if (error instanceof GraphFileError) throw new ApiError(400, error.message);
      throw error;
    }
  }

  #validationContext() {
    return {
      catalog: this.nodeCatalog,
      providers: new Set(this.#providers.map((p) => p.name)),
      hosts: this.#hosts.names,
    };
  }

  async validate(graph: unknown): Promise<ValidationResult> {
    const { graph: parsed, notices } = this.parse(graph);
    const errors = validateGraph(parsed, this.#validationContext());
    return { ok: errors.length === 0, errors, notices };
  }

  async checkJsonSchema(schema: Record<string, unknown>): Promise<JsonSchemaCheck> {
    return { error: jsonSchemaError(schema) ?? null };
  }

  async explain(graph: unknown, nodeId?: string): Promise<Explanation[]> {
    const { flow } = this.#runnable(graph, nodeId ? { until: nodeId } : {});
    const explanations = await explainGraph({ store: this.store, catalog: this.nodeCatalog, host: this.#host }, flow);
    return nodeId ? explanations.filter((e) => e.nodeId === nodeId) : explanations;
  }

  /**
   * Parses, plans and validates; a graph with errors in the part a run touches never runs. `flow` is the graph with
   * the edges its model-server nodes imply (see served-profiles.ts), which the plan follows.
   */
  #runnable(graph: unknown, options: { until?: string; from?: string }): { graph: GraphFile; flow: GraphFile; plan: RunPlan } {
    const { graph: parsed } = this.parse(graph);
    const flow = withServedProfileEdges(parsed, this.nodeCatalog.lookup);
    let plan;
    try {
      plan = planRun(flow, options);
    } catch (error) {
      throw new ApiError(400, (error as Error).message);
    }
    const errors = validateGraph(parsed, this.#validationContext(), new Set(plan.order));
    if (errors.length) {
      const first = errors.slice(0, 3).map((e) => `${e.nodeId}${e.field ? `.${e.field}` : ''}: ${e.message}`);
      throw new ApiError(400, `the graph is not valid: ${first.join('; ')}${errors.length > 3 ? '; …' : ''}`, errors);
    }
    return { graph: parsed, flow, plan };
  }

  async startRun(request: RunRequest): Promise<{ runId: string }> {
    const { retryFailed } = request;
    const until = request.until ?? (retryFailed && !request.from ? retryFailed.nodeId : undefined);
    const sample = request.sample === undefined ? undefined : parseSample(request.sample);
    const options = { until, from: request.from, noCache: request.noCache, retryFailed, sample, execution: request.execution };
    const { graph, flow, plan } = this.#runnable(request.graph, options);
    if (retryFailed) this.#checkRetryable(graph, plan, retryFailed.nodeId);
    const execution = new RunExecution(
      {
        store: this.store,
        catalog: this.nodeCatalog,
        llm: this.#llm,
        reward: this.reward,
        modelServers: this.#modelServers,
        host: this.#host,
        emit: (e) => this.#emit(e),
      },
      graph,
      flow,
      plan,
      options,
    );
    const finished = execution.run().finally(() => this.#active.delete(execution.runId));
    this.#active.set(execution.runId, { execution, finished });
    return { runId: execution.runId };
  }

  /** Only a map node the run executes has items to retry. */
  #checkRetryable(graph: GraphFile, plan: RunPlan, nodeId: string): void {
    const node = graph.nodes.find((n) => n.id === nodeId);
    if (!node) throw new ApiError(400, `retry failed items: no node "${nodeId}" in the graph`);
    if (!plan.order.includes(nodeId) || plan.cacheOnly.has(nodeId)) {
      throw new ApiError(400, `retry failed items: node "${nodeId}" is not run by this run`);
    }
    if (this.nodeCatalog.get(node.type)?.mode !== 'map') {
      throw new ApiError(400, `retry failed items: "${nodeId}" (${node.type}) is not a map node, so it has no items to retry`);
    }
  }

  /** Resolves when the run ends, with its status. */
  async waitForRun(runId: string): Promise<RunStatus> {
    const active = this.#active.get(runId);
    if (active) return active.finished;
    return (await this.getRun(runId)).status;
  }

  async listRuns(): Promise<RunInfo[]> {
    return this.store.runs.listRuns();
  }

  async getRun(runId: string): Promise<RunDetail> {
    const run = this.store.runs.getRun(runId);
    if (!run) throw new ApiError(404, `no run "${runId}"`);
    const { graphJson, removedSecrets, ...info } = run;
    // Runs recorded before secrets were removed on the way in still have theirs: they never leave the store.
    const served = withoutSecrets(JSON.parse(graphJson) as GraphFile);
    return { ...info, graph: served.graph, removedSecrets: [...removedSecrets, ...served.removed] };
  }

  async cancelRun(runId: string): Promise<{ cancelled: boolean }> {
    const active = this.#active.get(runId);
    active?.execution.cancel();
    return { cancelled: active !== undefined };
  }

  async nodeOutput(runId: string, nodeId: string, port: string, query: Partial<OutputQuery>): Promise<OutputPage> {
    const key = this.store.runs.outputKey(runId, nodeId);
    if (!key) throw new ApiError(404, `node "${nodeId}" has no output in run "${runId}"`);
    const output = this.store.outputs.get(key);
    if (!output) throw new ApiError(404, `the output of "${nodeId}" in run "${runId}" was pruned`);
    if (!Object.hasOwn(output.ports, port)) throw new ApiError(404, `node "${nodeId}" has no output port "${port}"`);
    const offset = query.offset ?? 0;
    try {
      const page = this.store.outputs.page(output, port, { search: query.search, where: query.where }, offset, query.limit ?? 100);
      return { nodeId, port, offset, ...page };
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(400, error.message);
      throw error;
    }
  }

  async nodeErrors(runId: string, nodeId: string, query: ItemErrorQuery): Promise<ItemErrorPage> {
    return itemErrorPage(this.store, this.nodeCatalog, runId, nodeId, query);
  }

  async nodeMetrics(runId: string, nodeId: string): Promise<NodeMetric[]> {
    return this.store.metrics.list(runId, nodeId);
  }

  async provenance(runId: string, row: RowRef): Promise<Provenance> {
    const run = this.store.runs.getRun(runId);
    if (!run) throw new ApiError(404, `no run "${runId}"`);
    return findProvenance(this.store, this.nodeCatalog, runId, JSON.parse(run.graphJson) as GraphFile, row);
  }

  async listTemplates(): Promise<TemplateInfo[]> {
    return listTemplates(this.nodeCatalog.lookup);
  }

  async settings(): Promise<SettingsInfo> {
    return {
      providers: this.#providers.map(({ name, model, baseURL }) => ({ name, model, baseURL: redactUrl(baseURL) })),
      hosts: [...this.#hosts.names],
      dataDir: this.#dataDir,
    };
  }

  async settingsFile(kind: SettingsKind): Promise<SettingsFileInfo> {
    return this.#settingsEditor.file(kind);
  }

  async saveSettingsEntry(kind: SettingsKind, request: SaveSettingsEntry): Promise<SettingsSaveResult> {
    const errors = await this.#settingsEditor.save(kind, request);
    return errors.length ? { ok: false, errors } : { ok: true, settings: await this.settings() };
  }

  async deleteSettingsEntry(kind: SettingsKind, name: string): Promise<SettingsInfo> {
    await this.#settingsEditor.delete(kind, name);
    return this.settings();
  }

  /**
   * Reads one kind of settings again, as `openEngine` did at start. Profiles: see `LlmClient.setProfiles`. Hosts: a
   * new resolver for nodes started from now on; the old one's connections stay for jobs using them.
   */
  async #reload(kind: SettingsKind): Promise<void> {
    if (kind === 'providers') {
      this.#providers = await loadProviders(this.#dataDir, this.#extraSettingsFiles.providers);
      this.#llm.setProfiles(this.#providers);
      return;
    }
    const registry = await loadHosts(this.#dataDir, this.#extraSettingsFiles.hosts);
    this.#retiredHosts.push(this.#hosts);
    this.#hosts = createHostResolver(registry, { dataDir: this.#dataDir, jobStore: this.#hosts.jobStore });
  }

  async testHost(name: string): Promise<HostTestResult> {
    return testHost(this.#hosts, name);
  }

  async testProvider(name: string): Promise<ProviderTestResult> {
    return testProvider(this.#llm, this.#providers, name);
  }

  async modelServers(): Promise<ModelServerInfo[]> {
    return this.#modelServers.list();
  }

  async stopModelServer(id: string): Promise<{ stopped: boolean }> {
    return this.#modelServers.stop(id);
  }

  async getTemplate(name: string): Promise<GraphFile> {
    try {
      return (await loadTemplate(name, this.nodeCatalog.lookup)).graph;
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(404, error.message);
      throw error;
    }
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The file with this content hash, for the media route: a stored blob, or a file a node hashed (source videos). */
  mediaPath(hash: string): string | undefined {
    return this.store.blobs.find(hash) ?? this.store.blobs.knownFile(hash);
  }

  prune(options: PruneOptions): PruneReport {
    return this.store.prune(options);
  }

  /** Stops active runs (leaving their host jobs running) and reward servers, waits for them, and closes the store. */
  async close(): Promise<void> {
    for (const { execution } of this.#active.values()) execution.detach();
    await Promise.allSettled([...this.#active.values()].map((a) => a.finished));
    await this.reward.close();
    await this.#modelServers.close();
    await Promise.all([this.#hosts, ...this.#retiredHosts].map((hosts) => hosts.close()));
    this.store.close();
  }

  readonly #host = (name: string | undefined): HostHandle => this.#hosts(name);

  #emit(event: RunEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

