import {
  ApiError,
  type Catalog,
  type EngineApi,
  type HostTestResult,
  type ItemErrorPage,
  type ItemErrorQuery,
  type ModelServerInfo,
  type NodeMetric,
  type NodeTotals,
  type OutputPage,
  type OutputQuery,
  type Provenance,
  type ProviderTestResult,
  type RowRef,
  type RunDetail,
  type RunEvent,
  type RunInfo,
  type RunRequest,
  type SettingsFileInfo,
  type SettingsInfo,
  type SettingsKind,
  type SettingsSaveResult,
  type TemplateInfo,
} from '../../main/api/contract.ts';
import { emptyGraph, type GraphFile } from '../../main/graph/format.ts';

const ZERO_TOTALS: NodeTotals = {
  itemsTotal: 0,
  itemsDone: 0,
  itemsCached: 0,
  itemsFailed: 0,
  llmCalls: 0,
  llmCached: 0,
  llmRepairs: 0,
  tokensIn: 0,
  tokensOut: 0,
  durationMs: 0,
};

/**
 * A stand-in for the real engine, backed by arrays: enough to exercise the server and client. A graph is "valid"
 * when it is an object with a `nodes` array; the run's output items are `{ n }` for n = 0..items-1.
 */
export class FakeEngine implements EngineApi {
  readonly runs: RunDetail[] = [];
  readonly modelServerList: ModelServerInfo[] = [
    {
      id: 'ms-1',
      profile: 'served-qwen',
      engine: 'vllm',
      model: 'Qwen/Qwen2.5-VL-7B-Instruct',
      host: 'local',
      baseURL: 'http://127.0.0.1:9/v1',
      keepWarm: true,
      runIds: [],
      startedAt: 1,
    },
  ];
  readonly items = Array.from({ length: 250 }, (_, n) => ({ seq: n, data: { n } as unknown }));
  /** Every call, as `[method, ...args]`. */
  readonly calls: unknown[][] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async catalog(): Promise<Catalog> {
    this.calls.push(['catalog']);
    return { nodes: [], dataTypes: [{ id: 'video', title: 'Video', description: '', color: '#f00', accepts: [] }] };
  }

  async validate(graph: unknown) {
    this.calls.push(['validate', graph]);
    const errors = this.graphErrors(graph);
    return { ok: errors.length === 0, errors, notices: [] };
  }

  async provenance(runId: string, row: RowRef): Promise<Provenance> {
    this.calls.push(['provenance', runId, row]);
    const origin = { ...row, nodeType: 'core.jsonl-source', dataType: 'Record', data: {} };
    return { origin, rows: [origin], exported: [], truncated: false };
  }

  async checkJsonSchema(schema: Record<string, unknown>) {
    this.calls.push(['checkJsonSchema', schema]);
    return { error: null };
  }

  async explain(graph: unknown, nodeId?: string) {
    this.calls.push(['explain', graph, nodeId]);
    const changes = [{ kind: 'new' as const, message: 'never ran' }];
    return [{ nodeId: nodeId ?? 'all', cached: false, nodeKey: 'k', changes }];
  }

  async startRun(request: RunRequest): Promise<{ runId: string }> {
    this.calls.push(['startRun', request]);
    const errors = this.graphErrors(request.graph);
    if (errors.length > 0) throw new ApiError(400, 'graph is invalid', errors);
    const runId = `run-${this.runs.length + 1}`;
    this.runs.push({
      runId,
      graphName: 'g',
      status: 'running',
      startedAt: 1,
      finishedAt: null,
      error: null,
      totals: ZERO_TOTALS,
      graph: request.graph as RunDetail['graph'],
      removedSecrets: [],
      nodes: [],
    });
    return { runId };
  }

  async listRuns(): Promise<RunInfo[]> {
    this.calls.push(['listRuns']);
    return this.runs.map(({ graph: _graph, removedSecrets: _removed, nodes: _nodes, ...info }) => info);
  }

  async getRun(runId: string): Promise<RunDetail> {
    this.calls.push(['getRun', runId]);
    return this.findRun(runId);
  }

  async cancelRun(runId: string) {
    this.calls.push(['cancelRun', runId]);
    const run = this.findRun(runId);
    run.status = 'cancelled';
    return { cancelled: true };
  }

  async nodeOutput(runId: string, nodeId: string, port: string, query: Partial<OutputQuery>): Promise<OutputPage> {
    this.calls.push(['nodeOutput', runId, nodeId, port, query]);
    this.findRun(runId);
    const offset = query.offset ?? 0;
    const { search } = query;
    const matching = search ? this.items.filter((item) => JSON.stringify(item.data).includes(search)) : this.items;
    const items = matching.slice(offset, offset + (query.limit ?? 100));
    return { nodeId, port, total: matching.length, offset, items };
  }

  async nodeErrors(runId: string, nodeId: string, query: ItemErrorQuery): Promise<ItemErrorPage> {
    this.calls.push(['nodeErrors', runId, nodeId, query]);
    return { total: 1, offset: query.offset ?? 0, errors: [{ seq: 3, message: 'bad item', raw: null, calls: [] }] };
  }

  async nodeMetrics(runId: string, nodeId: string): Promise<NodeMetric[]> {
    this.calls.push(['nodeMetrics', runId, nodeId]);
    return [{ seq: 0, point: { step: 1, loss: 0.5 } }];
  }

  async listTemplates(): Promise<TemplateInfo[]> {
    return [{ name: 'empty', title: 'Empty', description: 'Nothing yet.', nodeCount: 0 }];
  }

  async settings() {
    return { providers: [{ name: 'test-llm', model: 'm', baseURL: 'http://127.0.0.1:9/v1' }], hosts: ['local'], dataDir: '/data' };
  }

  async settingsFile(kind: SettingsKind): Promise<SettingsFileInfo> {
    return { kind, path: `/data/${kind}.yaml`, entries: [], schemas: {} };
  }

  async saveSettingsEntry(): Promise<SettingsSaveResult> {
    return { ok: false, errors: [{ field: '', message: 'the fake engine keeps no settings' }] };
  }

  async deleteSettingsEntry(_kind: SettingsKind, name: string): Promise<SettingsInfo> {
    throw new ApiError(404, `no entry named "${name}"`);
  }

  async testHost(name: string): Promise<HostTestResult> {
    this.calls.push(['testHost', name]);
    if (name !== 'local') throw new ApiError(404, `no host "${name}"`);
    return { host: name, kind: 'local', os: 'Linux 6.1 x86_64', freeDiskBytes: 2 ** 30, gpus: [], latencyMs: 1 };
  }

  async testProvider(name: string): Promise<ProviderTestResult> {
    this.calls.push(['testProvider', name]);
    if (name !== 'test-llm') throw new ApiError(404, `no provider profile "${name}"`);
    return { provider: name, model: 'm', servedModel: 'm', reply: 'ok', latencyMs: 1 };
  }

  async modelServers(): Promise<ModelServerInfo[]> {
    this.calls.push(['modelServers']);
    return this.modelServerList;
  }

  async stopModelServer(id: string): Promise<{ stopped: boolean }> {
    this.calls.push(['stopModelServer', id]);
    const index = this.modelServerList.findIndex((server) => server.id === id);
    if (index < 0) throw new ApiError(404, `no model server "${id}"`);
    this.modelServerList.splice(index, 1);
    return { stopped: true };
  }

  async getTemplate(name: string): Promise<GraphFile> {
    if (name !== 'empty') throw new ApiError(404, `no template "${name}"`);
    return emptyGraph('Empty');
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private findRun(runId: string): RunDetail {
    const run = this.runs.find((candidate) => candidate.runId === runId);
    if (!run) throw new ApiError(404, `no run ${runId}`);
    return run;
  }

  private graphErrors(graph: unknown) {
    const valid = typeof graph === 'object' && graph !== null && Array.isArray((graph as { nodes?: unknown }).nodes);
    return valid ? [] : [{ nodeId: '', field: 'nodes', message: 'a graph needs a nodes array' }];
  }
}
