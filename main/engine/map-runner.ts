import { setMaxListeners } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RunStore } from '../store/index.ts';
import type { StoredOutput } from '../store/outputs.ts';
import type { MapNodeDefinition, NodeContext } from '../../nodes/sdk/index.ts';
import { itemKey } from './cache-key.ts';
import { joinedGroups, type JoinedGroups, type JoinedSide } from './joined-side.ts';
import type { LiveOutput } from './live-output.ts';
import { concatCollection, type NodeInputs } from './node-inputs.ts';
import type { NodeCounters } from './node-counters.ts';
import type { InputStream } from './input-stream.ts';

interface MapRun {
  runId: string;
  nodeId: string;
  definition: MapNodeDefinition;
  config: Record<string, unknown> & { concurrency: number; maxErrorRatio: number };
  /** The mapped input, possibly still growing. */
  over: InputStream;
  /** The side inputs taken whole. */
  sideInputs: NodeInputs;
  /** The joined side inputs (`join` on the port), possibly still growing: each item sees its groups. */
  joins: readonly JoinedSide[];
  scopeKey: string;
  /** Where the assembled output goes, asked once the mapped input is complete: the node key, or a run-scoped key when items failed. */
  outputKey: (failed: number) => string;
  /** This node's own output as it grows, for downstream map nodes to stream. */
  live: LiveOutput;
  useCache: boolean;
  ctx: NodeContext;
  /** The context an item executes in: the node's, with its LLM calls recorded against the item. */
  itemContext(seq: number): NodeContext;
  counters: NodeCounters;
  onItemError(seq: number, message: string): void;
}

/** An item whose result is recorded under `key`; `groups` when the node has joined side inputs. */
interface Item {
  seq: number;
  key: string;
  json: string;
  groups: JoinedGroups | undefined;
}

type ItemOutcome = 'cached' | 'done' | 'failed';

/** Item errors carry the model's raw text when a node attaches it (`error.raw`), so nothing is lost. */
export function errorParts(error: unknown): { message: string; raw: string | null } {
  const message = error instanceof Error ? error.message : String(error);
  const raw = (error as { raw?: unknown } | null)?.raw;
  return { message, raw: typeof raw === 'string' ? raw : null };
}

/**
 * How far past the first unsettled item the workers may start items: it bounds the settled positions a `LiveOutput`
 * tracks past its prefix when one item is slow, and the items waiting for their joined groups to be confirmed.
 * Unconsumed results wait in the store, not in memory.
 */
export function runAheadWindow(concurrency: number): number {
  return Math.max(1024, concurrency * 8);
}

/**
 * Runs a map node: items already cached are taken as they are, the rest go through `execute` with the node's
 * concurrency, each result committed as it finishes; the output is then assembled in input order. The mapped input
 * and joined side inputs may still be growing (running upstream map nodes): items start as their rows arrive.
 *
 * An item settles (is handed downstream) once its result is final. One that ran on a joined group that could still
 * grow waits until that side input is complete: if its group changed, it runs again under its new key first, so
 * downstream never sees a result a barrier run would not have.
 */
export async function runMapNode(store: RunStore, run: MapRun): Promise<StoredOutput> {
  const { definition, counters, ctx, over, live, joins } = run;
  // Waits end on a cancel, or when the inputs stopped early (a streamed upstream did not finish).
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  setMaxListeners(0, signal);
  const window = runAheadWindow(run.config.concurrency);
  const sideInputs = Object.fromEntries(
    Object.entries(run.sideInputs).map(([port, sources]) => [port, concatCollection(store.outputs, sources)]),
  );
  const progress = () => {
    counters.itemsAvailable = over.available;
    counters.itemsTotal = over.total ?? 0;
    counters.changed();
  };

  const keyed = async (seq: number, json: string): Promise<Item> => {
    const groups = joins.length ? await joinedGroups(joins, JSON.parse(json), signal) : undefined;
    return { seq, key: itemKey(run.scopeKey, json, groups?.key), json, groups };
  };

  const takeCached = (item: Item): boolean => {
    if (!run.useCache || !store.items.has(item.key)) return false;
    store.items.recordHit(run.runId, run.nodeId, item.seq, item.key);
    counters.itemsCached += 1;
    counters.itemsDone += 1;
    return true;
  };

  /** Runs an item; undefined when the run was cancelled meanwhile (nothing recorded). */
  const execute = async ({ seq, key, json, groups }: Item): Promise<ItemOutcome | undefined> => {
    try {
      const inputs = { ...sideInputs, ...groups?.collections, [definition.over]: JSON.parse(json) };
      const outputs = await definition.execute(run.itemContext(seq), inputs, run.config);
      store.items.recordResult(run.runId, run.nodeId, seq, key, definition.type, checkOutputs(definition, outputs));
      counters.itemsDone += 1;
      return 'done';
    } catch (error) {
      if (ctx.signal.aborted) return undefined;
      const { message, raw } = errorParts(error);
      store.items.recordError(run.runId, run.nodeId, seq, message, raw);
      counters.itemsFailed += 1;
      run.onItemError(seq, message);
      return 'failed';
    }
  };

  // Items that ran on joined groups that may still grow, until their side inputs are complete.
  const unconfirmed = new Map<number, { item: Item; outcome: ItemOutcome }>();
  let joinsComplete = joins.length === 0;

  /** Runs an item again when its groups changed since it ran (its key differs): the barrier run's result. */
  const confirm = async (item: Item, outcome: ItemOutcome): Promise<void> => {
    const now = await keyed(item.seq, item.json);
    if (now.key !== item.key) {
      if (outcome === 'failed') {
        counters.itemsFailed -= 1;
        store.items.clearError(run.runId, run.nodeId, item.seq);
      } else {
        counters.itemsDone -= 1;
        if (outcome === 'cached') counters.itemsCached -= 1;
      }
      if (!takeCached(now) && (await execute(now)) === undefined) return;
    }
    live.settle(item.seq);
  };

  const settle = async (item: Item, outcome: ItemOutcome): Promise<void> => {
    if (!item.groups || item.groups.final) live.settle(item.seq);
    else if (joinsComplete) await confirm(item, outcome);
    else unconfirmed.set(item.seq, { item, outcome });
  };

  const confirmAll = async (): Promise<void> => {
    await Promise.all(joins.map((side) => side.complete(signal)));
    joinsComplete = true;
    // Items finishing meanwhile are added to the map, and so still visited.
    for (const [seq, { item, outcome }] of unconfirmed) {
      unconfirmed.delete(seq);
      await confirm(item, outcome);
    }
  };

  async function* misses(): AsyncGenerator<Item> {
    let seq = 0;
    for await (const page of over.pages()) {
      progress();
      for (const json of page) {
        await live.settledBelow(seq - window + 1, signal);
        const item = await keyed(seq, json);
        if (takeCached(item)) await settle(item, 'cached');
        else yield item;
        seq += 1;
      }
      counters.changed();
      await nextTurn(); // let I/O and events through between pages of cache hits
    }
    progress();
  }

  /** Why the inputs stopped early (an upstream that did not finish, a cancel): thrown once the workers are idle. */
  let inputError: { reason: unknown } | undefined;
  const guarded = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (reason) {
      inputError ??= { reason };
      stop.abort(reason);
    }
  };
  const queue = misses();
  const worker = async () => {
    for (;;) {
      if (signal.aborted) return;
      let next: IteratorResult<Item> | undefined;
      await guarded(async () => (next = await queue.next()));
      if (!next || next.done) return;
      const item = next.value;
      const outcome = await execute(item);
      if (outcome) await guarded(() => settle(item, outcome));
      counters.changed();
    }
  };
  await Promise.all([...Array.from({ length: run.config.concurrency }, worker), joins.length ? guarded(confirmAll) : undefined]);
  store.items.flush();
  if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
  if (inputError) throw inputError.reason;

  const writer = store.outputs.beginWrite(run.outputKey(counters.itemsFailed), definition.type, Object.keys(definition.outputs));
  for (const row of store.items.assembledRows(run.runId, run.nodeId, counters.itemsTotal)) writer.appendJson(row.port, row.data);
  const output = writer.finish();
  live.close();
  store.items.release(run.runId, run.nodeId);
  return output;
}

function checkOutputs(definition: MapNodeDefinition, outputs: Record<string, unknown>): Record<string, unknown[]> {
  for (const [port, values] of Object.entries(outputs)) {
    if (!Object.hasOwn(definition.outputs, port)) throw new Error(`"${definition.type}" returned unknown output port "${port}"`);
    if (!Array.isArray(values)) throw new Error(`"${definition.type}" returned a non-array for output "${port}"`);
  }
  return outputs as Record<string, unknown[]>;
}
