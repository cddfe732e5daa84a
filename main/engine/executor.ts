import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { NodeState, RunEvent, RunStatus, SampleSpec } from '../api/contract.ts';
import type { GraphFile, GraphNode } from '../graph/format.ts';
import { effectiveConfig } from '../graph/node-config.ts';
import { withoutSecrets } from '../graph/secrets.ts';
import type { LlmClient, LlmScope } from '../llm/client.ts';
import type { ModelServerLease, ModelServerManager } from '../model-servers/manager.ts';
import type { NodeRunRecord, RunStore } from '../store/index.ts';
import type { OutputWriter, StoredOutput } from '../store/outputs.ts';
import { RunDetached, type HostHandle, type NodeContext, type NodeDefinition, type RewardService } from '../../nodes/sdk/index.ts';
import { itemScopeKey, nodeKey, type Ingredients } from './cache-key.ts';
import { deferred } from './deferred.ts';
import type { GrowingOutput } from './growing-output.ts';
import { LiveOutput } from './live-output.ts';
import { buildIngredients } from './ingredients.ts';
import type { NodeCatalog } from './catalog.ts';
import { runMapNode } from './map-runner.ts';
import { NodeCounters, sumTotals } from './node-counters.ts';
import { createNodeContext } from './node-context.ts';
import { ProgressThrottle } from './progress-throttle.ts';
import { describeThrown } from './thrown.ts';
import { JoinedSide } from './joined-side.ts';
import { concatCollection, inputHashes, inputSources, itemPorts, joinedPorts, type NodeInputs } from './node-inputs.ts';
import { isUpstreamNotDone, InputStream, type StreamSource } from './input-stream.ts';
import type { RunPlan } from './plan.ts';
import { isSampledSource, sampledOutput } from './sample.ts';
import { servedInputHashes, servedModelsOf, type ServedTo } from './served-profiles.ts';
import { StreamedOutput } from './streamed-output.ts';

interface ExecutorDeps {
  store: RunStore;
  catalog: NodeCatalog;
  llm: LlmClient;
  reward: RewardService;
  modelServers: ModelServerManager;
  host(name: string | undefined): HostHandle;
  emit(event: RunEvent): void;
}

type Execution = 'streaming' | 'barrier';

interface RunOptions {
  /**
   * `streaming` (default): a map node consumes its mapped input's items while the map node producing them still runs;
   * `barrier`: every node waits for its upstream nodes to finish. Both store the same keys and outputs.
   */
  execution?: Execution;
  until?: string;
  from?: string;
  noCache?: boolean;
  /** This node's items that miss the item cache (its failed ones) ask the model again rather than the LLM cache. */
  retryFailed?: { nodeId: string };
  /** A sample run: sources hand on `n` of their items (sample.ts). */
  sample?: SampleSpec;
}

type Outcome = { state: 'cached' | 'done'; output: StoredOutput } | { state: 'failed' | 'skipped' | 'cancelled' };

interface RunEnding {
  status: RunStatus;
  error: string | null;
}

const PROGRESS_INTERVAL_MS = 100;

/** One run of a graph: nodes start as soon as their inputs are ready, so independent branches run in parallel. */
export class RunExecution {
  readonly runId = randomUUID();
  readonly #abort = new AbortController();
  readonly #outcomes = new Map<string, Promise<Outcome>>();
  readonly #counters = new Map<string, NodeCounters>();
  readonly #progress = new Map<string, ProgressThrottle>();
  /** Nodes of this run whose output is growing (map nodes, streaming once-nodes), as they start. */
  readonly #live = new Map<string, { output?: GrowingOutput; started: Promise<GrowingOutput>; start(live: GrowingOutput): void }>();
  readonly #nodes: Map<string, GraphNode>;
  readonly #servers: ModelServerLease;
  #stopLedger: () => void = () => {};

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly graph: GraphFile,
    /** `graph` with the edges from model-server nodes to the nodes calling their profiles (`withServedProfileEdges`). */
    private readonly flow: GraphFile,
    private readonly plan: RunPlan,
    private readonly options: RunOptions,
  ) {
    this.#nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    // Every node waiting on a growing input listens for the cancel: many at once is normal, not a leak.
    setMaxListeners(0, this.#abort.signal);
    this.#servers = deps.modelServers.lease(this.runId);
  }

  cancel(): void {
    this.#abort.abort(new Error('the run was cancelled'));
  }

  /** Stops the run because the app is closing: nodes leave their host jobs running for a later run to re-attach. */
  detach(): void {
    this.#abort.abort(new RunDetached());
  }

  /** Runs the graph; never rejects: anything unexpected (a node, a listener, the store) ends the run as failed. */
  async run(): Promise<RunStatus> {
    let ending: RunEnding;
    try {
      this.#begin();
      ending = await this.#settle();
    } catch (caught) {
      ending = { status: 'failed', error: describeThrown(caught) };
    }
    try {
      await this.#cleanUp();
    } catch (caught) {
      if (ending.status !== 'failed') ending = { status: 'failed', error: `cleaning up the run failed: ${describeThrown(caught)}` };
    }
    this.#end(ending);
    return ending.status;
  }

  #begin(): void {
    const { store, emit } = this.deps;
    // The run goes as sent; its record never keeps a secret.
    const recorded = withoutSecrets(this.graph);
    store.runs.createRun({
      runId: this.runId,
      graphName: this.graph.name,
      graphJson: JSON.stringify(recorded.graph),
      removedSecrets: recorded.removed,
      options: this.options,
    });
    this.#stopLedger = store.llm.onCall((call) => {
      if (call.runId !== this.runId) return;
      const counters = this.#counters.get(call.nodeId);
      if (!counters) return;
      // Counted as the server sees them: each attempt sent is a request; a call cancelled while it queued sent none.
      counters.llmCalls += call.cached ? 1 : call.attempts;
      if (call.cached) counters.llmCached += 1;
      if (call.repair) counters.llmRepairs += 1;
      counters.tokensIn += call.promptTokens;
      counters.tokensOut += call.completionTokens;
      counters.changed();
    });
    const { sample } = this.options;
    emit({ type: 'run-started', runId: this.runId, graphName: this.graph.name, nodeIds: this.plan.order, ...(sample && { sample }) });
    for (const nodeId of this.plan.order) this.#record(nodeId, 'queued');
  }

  /** Waits for every node, even after one crashed, so nothing of this run is still working when it ends. */
  async #settle(): Promise<RunEnding> {
    const settled = await Promise.allSettled(this.plan.order.map((id) => this.#outcome(id)));
    const crash = settled.find((s) => s.status === 'rejected');
    if (crash) return { status: 'failed', error: describeThrown(crash.reason) };
    if (this.#abort.signal.reason instanceof RunDetached) return { status: 'interrupted', error: null };
    if (this.#abort.signal.aborted) return { status: 'cancelled', error: null };
    const outcomes = settled.map((s) => (s as PromiseFulfilledResult<Outcome>).value);
    const succeeded = outcomes.every((o) => o.state === 'done' || o.state === 'cached');
    return succeeded ? { status: 'done', error: null } : { status: 'failed', error: 'some nodes failed' };
  }

  async #cleanUp(): Promise<void> {
    this.#stopLedger();
    try {
      this.deps.store.flush();
    } finally {
      await this.#servers.release();
    }
  }

  #end({ status, error }: RunEnding): void {
    try {
      this.deps.store.runs.finishRun(this.runId, status, error);
      const totals = sumTotals([...this.#counters.values()].map((c) => c.totals()));
      this.deps.emit({ type: 'run-finished', runId: this.runId, status, ...(error ? { error } : {}), totals });
    } catch (caught) {
      // Nothing is left to fail: the run is over, and the process must outlive a broken store or listener.
      console.error(`[rewatch] run ${this.runId} ended ${status}, but recording its end failed: ${describeThrown(caught)}`);
    }
  }

  #outcome(nodeId: string): Promise<Outcome> {
    let outcome = this.#outcomes.get(nodeId);
    if (!outcome) {
      outcome = this.#runNode(nodeId);
      this.#outcomes.set(nodeId, outcome);
    }
    return outcome;
  }

  async #runNode(nodeId: string): Promise<Outcome> {
    const node = this.#nodes.get(nodeId)!;
    const definition = this.deps.catalog.get(node.type)!;
    const streamed = this.#streamedUpstreams(nodeId, definition);
    const portsTakenEarly = this.#portsTakenEarly(nodeId, streamed);
    const upstream = [...new Set(this.flow.edges.filter((e) => e.to.node === nodeId).map((e) => e.from.node))];
    const before = await Promise.all(
      upstream.map(async (id) => {
        const ports = portsTakenEarly.get(id);
        return [id, await (streamed.has(id) ? this.#startedOrOutcome(id) : ports ? this.#portsOrOutcome(id, ports) : this.#outcome(id))] as const;
      }),
    );
    const ready = new Map<string, StoredOutput>();
    const live = new Map<string, GrowingOutput>();
    for (const [id, got] of before) {
      if (!('state' in got)) live.set(id, got);
      else if (got.state === 'cached' || got.state === 'done') ready.set(id, got.output);
    }
    if (this.#abort.signal.aborted) return this.#finish(nodeId, { state: 'cancelled' });
    if (ready.size + live.size < upstream.length) return this.#finish(nodeId, { state: 'skipped' });

    // As in a barrier run, a node is skipped when an upstream fails after writing the ports it took early.
    const takenUpstreamFailed = async () => !(await this.#allSucceeded([...portsTakenEarly.keys()]));
    const counters = this.#countersFor(nodeId);
    let identity: Partial<NodeRunRecord> = {};
    try {
      const config = definition.config.parse(effectiveConfig(this.graph, node, definition.config)) as Record<string, unknown>;
      const inputs = inputSources(this.flow, nodeId, definition, (id) => ready.get(id));
      const served = servedModelsOf(this.flow, nodeId, this.deps.store.outputs, (id) => ready.get(id)!);
      const llmCache = !this.options.noCache && this.options.retryFailed?.nodeId !== nodeId;
      const scope = this.#llmScope(node, llmCache, served);
      const ctx = this.#context(node, scope);
      // With a streaming upstream the hashes of the inputs it feeds are not known yet: the node key waits for them,
      // the item keys never contain them (`itemScopeKey`).
      const ingredients = await this.#ingredients(ctx, node, definition, config, inputs, served);
      if (live.size === 0) {
        identity = this.#identity(ingredients);
        const cached = this.options.noCache ? undefined : this.deps.store.outputs.get(identity.nodeKey!);
        if (cached) {
          if (await takenUpstreamFailed()) return this.#finish(nodeId, { state: 'skipped' }, identity);
          return this.#finish(nodeId, { state: 'cached', output: this.#narrowed(definition, cached) }, identity);
        }
        if (this.plan.cacheOnly.has(nodeId)) {
          const error = `"${nodeId}" has no cached output for its current config and inputs; run it first (it is upstream of --from)`;
          return this.#finish(nodeId, { state: 'failed' }, { ...identity, error });
        }
      }

      counters.startedAt = Date.now();
      this.#record(nodeId, 'running', { ...identity, startedAt: counters.startedAt });
      // An item's calls are recorded with its input position, for the node's Errors tab.
      const itemContext = (seq: number): NodeContext => ({ ...ctx, llm: this.deps.llm.gateway({ ...scope, itemSeq: seq }) });
      let output: StoredOutput;
      if (definition.mode === 'map') {
        const over = this.#inputStream(nodeId, definition.over, ready, live);
        const joins = joinedPorts(definition).map(([port, join]) => new JoinedSide(port, join, this.#inputStream(nodeId, port, ready, live)));
        const settle = () => {
          const streamed = [[definition.over, over.hashes()], ...joins.map((side) => [side.port, side.input.hashes()])];
          return (identity = this.#identity({ ...ingredients, inputs: { ...ingredients.inputs, ...Object.fromEntries(streamed) } }));
        };
        output = await this.#executeMap(ctx, itemContext, nodeId, definition, config, over, joins, inputs, ingredients, settle, counters);
      } else {
        output = await this.#executeOnce(ctx, nodeId, definition, config, inputs, identity.nodeKey!);
      }
      if (await takenUpstreamFailed()) return this.#finish(nodeId, { state: this.#abort.signal.aborted ? 'cancelled' : 'skipped' }, identity);
      const ratio = counters.itemsTotal ? counters.itemsFailed / counters.itemsTotal : 0;
      const limit = definition.mode === 'map' ? (config.maxErrorRatio as number) : 0;
      if (counters.itemsFailed > 0 && ratio > limit) {
        const error = `${counters.itemsFailed} of ${counters.itemsTotal} items failed (${(ratio * 100).toFixed(1)}% > maxErrorRatio ${(limit * 100).toFixed(1)}%)`;
        return this.#finish(nodeId, { state: 'failed' }, { ...identity, error }, output);
      }
      return this.#finish(nodeId, { state: 'done', output: this.#narrowed(definition, output) }, identity);
    } catch (error) {
      if (this.#abort.signal.aborted) return this.#finish(nodeId, { state: 'cancelled' }, identity);
      // A streamed upstream failed after this node consumed some of its items: skipped, as a barrier run would be;
      // the items it finished stay cached.
      if (isUpstreamNotDone(error)) return this.#finish(nodeId, { state: 'skipped' }, identity);
      return this.#finish(nodeId, { state: 'failed' }, { ...identity, error: describeThrown(error) });
    }
  }

  /** In a sample run, a source's output narrowed to the sample: what the nodes after it read and its preview shows. */
  #narrowed(definition: NodeDefinition, output: StoredOutput): StoredOutput {
    const { sample } = this.options;
    return sample && isSampledSource(definition) ? sampledOutput(this.deps.store.outputs, definition.type, output, sample) : output;
  }

  #identity(ingredients: Ingredients): Partial<NodeRunRecord> {
    return { nodeKey: nodeKey(ingredients), ingredients, salt: ingredients.salt ?? null };
  }

  /**
   * The upstream nodes whose items this node may consume while they run (map nodes, once-nodes streaming their
   * output): those feeding only its mapped input and joined side inputs. Any other input (and every input of a
   * once-node) is taken whole, once finished.
   */
  #streamedUpstreams(nodeId: string, definition: NodeDefinition): Set<string> {
    if (this.options.execution === 'barrier' || definition.mode !== 'map') return new Set();
    const streamable = itemPorts(definition);
    const edges = this.flow.edges.filter((e) => e.to.node === nodeId);
    const whole = new Set(edges.filter((e) => !streamable.includes(e.to.port)).map((e) => e.from.node));
    return new Set(
      edges
        .filter((e) => streamable.includes(e.to.port) && !whole.has(e.from.node))
        .map((e) => e.from.node)
        .filter((id) => this.#outputGrows(this.deps.catalog.get(this.#nodes.get(id)!.type)!)),
    );
  }

  /**
   * Streaming once-nodes this node takes side inputs from (not in `streamed`), with the ports it reads: it takes each
   * port whole once it is written to its end, while the node may still write its other ports.
   */
  #portsTakenEarly(nodeId: string, streamed: ReadonlySet<string>): Map<string, string[]> {
    const taken = new Map<string, string[]>();
    for (const edge of this.flow.edges) {
      if (edge.to.node !== nodeId || streamed.has(edge.from.node)) continue;
      const definition = this.deps.catalog.get(this.#nodes.get(edge.from.node)!.type)!;
      if (definition.mode !== 'once' || !this.#outputGrows(definition)) continue;
      const ports = taken.get(edge.from.node) ?? [];
      if (!ports.includes(edge.from.port)) ports.push(edge.from.port);
      taken.set(edge.from.node, ports);
    }
    return taken;
  }

  /** `ports` of a streaming once-node once written to their end, or its outcome if it ends first. */
  async #portsOrOutcome(nodeId: string, ports: readonly string[]): Promise<Outcome> {
    const started = await this.#startedOrOutcome(nodeId);
    if ('state' in started) return started;
    if (!(started instanceof StreamedOutput)) return this.#outcome(nodeId);
    const ended = Promise.all(ports.map((port) => started.portEnded(port))).then(
      (written): Outcome => ({ state: 'done', output: { nodeKey: started.nodeKey, ports: Object.fromEntries(ports.map((port, i) => [port, written[i]!])) } }),
    );
    return Promise.race([ended, this.#outcome(nodeId)]);
  }

  async #allSucceeded(nodeIds: readonly string[]): Promise<boolean> {
    const outcomes = await Promise.all(nodeIds.map((id) => this.#outcome(id)));
    return outcomes.every((o) => o.state === 'done' || o.state === 'cached');
  }

  /**
   * Whether a node's output is readable while it runs. Never in barrier runs; nor for a source in a sample run, whose
   * readers get its sample once it is complete.
   */
  #outputGrows(definition: NodeDefinition): boolean {
    if (this.options.execution === 'barrier') return false;
    if (definition.mode === 'map') return true;
    return Boolean(definition.streamsOutput) && !(this.options.sample && isSampledSource(definition));
  }

  #liveSlot(nodeId: string) {
    let slot = this.#live.get(nodeId);
    if (!slot) {
      const started = deferred<GrowingOutput>();
      slot = { started: started.promise, start: started.resolve };
      this.#live.set(nodeId, slot);
    }
    return slot;
  }

  /** A node's growing output once it starts, or its outcome if it ends first (cached, failed…). */
  #startedOrOutcome(nodeId: string): Promise<GrowingOutput | Outcome> {
    return Promise.race([this.#liveSlot(nodeId).started, this.#outcome(nodeId)]);
  }

  #inputStream(nodeId: string, port: string, ready: ReadonlyMap<string, StoredOutput>, live: ReadonlyMap<string, GrowingOutput>): InputStream {
    const sources = this.flow.edges
      .filter((e) => e.to.node === nodeId && e.to.port === port)
      .map((e): StreamSource => {
        const growing = live.get(e.from.node);
        if (!growing) return { nodeId: e.from.node, port: e.from.port, output: ready.get(e.from.node)! };
        const outcome = this.#outcome(e.from.node).then((o) => ('output' in o ? o.output : undefined));
        return { nodeId: e.from.node, port: e.from.port, live: growing, outcome };
      });
    return new InputStream(this.deps.store.outputs, sources, this.#abort.signal);
  }

  #ingredients(
    ctx: NodeContext,
    node: GraphNode,
    definition: NodeDefinition,
    config: Record<string, unknown>,
    inputs: NodeInputs,
    served: ReadonlyMap<string, ServedTo>,
  ) {
    return buildIngredients({
      store: this.deps.store,
      graphName: this.graph.name,
      node,
      definition,
      config,
      inputs: { ...inputHashes(inputs), ...servedInputHashes(served) },
      fingerprintContext: ctx,
      runId: this.runId,
    });
  }

  /** `settle` computes the node's identity once its mapped input is complete; the output goes under its key. */
  #executeMap(
    ctx: NodeContext,
    itemContext: (seq: number) => NodeContext,
    nodeId: string,
    definition: NodeDefinition & { mode: 'map' },
    config: Record<string, unknown>,
    over: InputStream,
    joins: JoinedSide[],
    inputs: NodeInputs,
    ingredients: Ingredients,
    settle: () => Partial<NodeRunRecord>,
    counters: NodeCounters,
  ): Promise<StoredOutput> {
    const live = new LiveOutput(this.deps.store.items, this.runId, nodeId);
    this.#started(nodeId, live);
    const keyedItemByItem = itemPorts(definition);
    const sideInputs = Object.fromEntries(Object.entries(inputs).filter(([port]) => !keyedItemByItem.includes(port)));
    return runMapNode(this.deps.store, {
      runId: this.runId,
      nodeId,
      definition,
      config: config as Record<string, unknown> & { concurrency: number; maxErrorRatio: number },
      over,
      sideInputs,
      joins,
      scopeKey: itemScopeKey(ingredients, keyedItemByItem),
      outputKey: (failed) => {
        const key = settle().nodeKey!;
        return failed ? `${key}@${this.runId}` : key;
      },
      live,
      useCache: !this.options.noCache,
      ctx,
      itemContext,
      counters,
      onItemError: (seq, message) => this.deps.emit({ type: 'item-error', runId: this.runId, nodeId, seq, message }),
    });
  }

  /** Lets the nodes streaming `nodeId`'s output read it. */
  #started(nodeId: string, output: GrowingOutput): void {
    const slot = this.#liveSlot(nodeId);
    slot.output = output;
    slot.start(output);
  }

  #streamed(nodeId: string, writer: OutputWriter): StreamedOutput {
    const output = new StreamedOutput(this.deps.store.outputs, writer);
    this.#started(nodeId, output);
    return output;
  }

  /** A node streaming its output writes it under its key as it comes; its readers see the rows while it runs. */
  async #executeOnce(
    ctx: NodeContext,
    nodeId: string,
    definition: NodeDefinition,
    config: Record<string, unknown>,
    inputs: NodeInputs,
    key: string,
  ): Promise<StoredOutput> {
    const { store } = this.deps;
    const collections = Object.fromEntries(
      Object.entries(inputs).map(([port, sources]) => [port, concatCollection(store.outputs, sources)]),
    );
    const outputs = await definition.execute(ctx, collections as never, config as never);
    const stored = store.outputs.beginWrite(key, definition.type, Object.keys(definition.outputs));
    const streamed = this.#outputGrows(definition) ? this.#streamed(nodeId, stored) : undefined;
    const writer = streamed ?? stored;
    for (const [port, values] of Object.entries(outputs)) {
      if (!Object.hasOwn(definition.outputs, port)) throw new Error(`"${definition.type}" returned unknown output port "${port}"`);
      for await (const value of values as Iterable<unknown> | AsyncIterable<unknown>) {
        if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
        writer.append(port, value);
      }
      streamed?.endPort(port);
    }
    return writer.finish();
  }

  #llmScope(node: GraphNode, useCache: boolean, served: ReadonlyMap<string, ServedTo>): LlmScope {
    const signal = this.#abort.signal;
    return {
      runId: this.runId,
      nodeId: node.id,
      signal,
      useCache,
      served: (name) => {
        const to = served.get(name);
        if (!to) return undefined;
        // The server's progress belongs in the log of the node that serves it.
        const log = (level: 'info' | 'warn', message: string) =>
          this.deps.emit({ type: 'node-log', runId: this.runId, nodeId: to.serverNodeId, level, message });
        return this.#servers.profile(to.spec, log, signal);
      },
    };
  }

  #context(node: GraphNode, scope: LlmScope) {
    const counters = this.#countersFor(node.id);
    return createNodeContext(
      { store: this.deps.store, llm: this.deps.llm, host: this.deps.host(node.host), reward: this.deps.reward, emit: this.deps.emit },
      scope,
      (done, total) => {
        counters.itemsDone = done;
        if (total !== undefined) counters.itemsTotal = counters.itemsAvailable = total;
        counters.changed();
      },
    );
  }

  #countersFor(nodeId: string): NodeCounters {
    let counters = this.#counters.get(nodeId);
    if (!counters) {
      const throttle = new ProgressThrottle(PROGRESS_INTERVAL_MS, () => this.#publishProgress(nodeId));
      this.#progress.set(nodeId, throttle);
      counters = new NodeCounters(() => throttle.changed());
      this.#counters.set(nodeId, counters);
    }
    return counters;
  }

  #publishProgress(nodeId: string): void {
    const c = this.#counters.get(nodeId)!;
    this.deps.emit({
      type: 'node-progress',
      runId: this.runId,
      nodeId,
      done: c.itemsDone,
      available: c.itemsAvailable,
      total: c.itemsTotal || null,
      cached: c.itemsCached,
      failed: c.itemsFailed,
    });
  }

  /** Records the node's state in the run log and tells the listeners. */
  #record(nodeId: string, state: NodeState, extra: Partial<NodeRunRecord> = {}): void {
    const node = this.#nodes.get(nodeId)!;
    this.deps.store.runs.writeNode(this.runId, {
      nodeId,
      nodeType: node.type,
      state,
      totals: this.#counters.get(nodeId)?.totals(),
      ...extra,
    });
    this.deps.emit({ type: 'node-state', runId: this.runId, nodeId, state, ...(extra.error ? { error: extra.error } : {}) });
  }

  #finish(nodeId: string, outcome: Outcome, identity: Partial<NodeRunRecord> = {}, partialOutput?: StoredOutput): Outcome {
    const counters = this.#countersFor(nodeId);
    if (counters.startedAt) counters.finishedAt = Date.now();
    // Whatever ended the node, downstream readers of its growing output stop waiting for more.
    this.#live.get(nodeId)?.output?.close();
    const output = 'output' in outcome ? outcome.output : partialOutput;
    if (outcome.state === 'cached' && output) {
      const total = Object.values(output.ports).reduce((sum, p) => sum + p.count, 0);
      counters.itemsTotal = total;
      counters.itemsAvailable = total;
      counters.itemsDone = total;
      counters.itemsCached = total;
    }
    this.#record(nodeId, outcome.state, {
      ...identity,
      outputKey: output?.nodeKey ?? null,
      finishedAt: Date.now(),
      outputCounts: output ? Object.fromEntries(Object.entries(output.ports).map(([p, o]) => [p, o.count])) : {},
    });
    this.#progress.get(nodeId)!.flush();
    return outcome;
  }
}
