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
 * tracks past its prefix when one item is slow. Unconsumed results wait in the store, not in memory.
 */
export function runAheadWindow(concurrency: number): number {
  return Math.max(1024, concurrency * 8);
}

/**
 * Runs a map node: items already cached are taken as they are, the rest go through `execute` with the node's
 * concurrency, each result committed as it finishes; the output is then assembled in input order. The mapped input
 * and joined side inputs may still be growing (running upstream map nodes): items start as their rows arrive.
 *
 * An item that ran on a joined group that could still grow is checked once that side input is complete: if the group
 * changed, it runs again under its new key before the output is assembled. Downstream nodes that already read its
 * earlier rows see their input change (`InputStream.consistent`) and go over it again from the item cache, so every
 * node ends with what a barrier run computes.
 */
export async function runMapNode(store: RunStore, run: MapRun): Promise<StoredOutput> {
  const { definition, counters, ctx, live, joins } = run;
  // Waits end on a cancel, or when the inputs stopped early (a streamed upstream did not finish).
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  setMaxListeners(0, signal);
  const window = runAheadWindow(run.config.concurrency);
  const sideInputs = Object.fromEntries(
    Object.entries(run.sideInputs).map(([port, sources]) => [port, concatCollection(store.outputs, sources)]),
  );

  const keyed = async (seq: number, json: string): Promise<Item> => {
    const groups = joins.length ? await joinedGroups(joins, JSON.parse(json), signal) : undefined;
    return { seq, key: itemKey(run.scopeKey, json, groups?.key), json, groups };
  };

  /**
   * Without joined side inputs an item's key depends on its row alone: a page's items are keyed at once, and its
   * cached items found with one query instead of one per item.
   */
  const keyedPage = (from: number, page: readonly string[]) => {
    const items = page.map((json, n): Item => ({ seq: from + n, key: itemKey(run.scopeKey, json), json, groups: undefined }));
    const cached = run.useCache ? store.items.cachedAmong(items.map((item) => item.key)) : new Set<string>();
    return { items, cached };
  };

  const takeCached = (item: Item, cached = run.useCache && store.items.has(item.key)): boolean => {
    if (!cached) return false;
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

  /** Items that ran on joined groups that may still grow. */
  const unconfirmed: Array<{ item: Item; outcome: ItemOutcome }> = [];
  const settle = (item: Item, outcome: ItemOutcome) => {
    if (item.groups && !item.groups.final) unconfirmed.push({ item, outcome });
    live.settle(item.seq);
  };

  /** Runs an item again when its groups changed since it ran (its key differs): the barrier run's result. */
  const confirm = async ({ item, outcome }: { item: Item; outcome: ItemOutcome }): Promise<void> => {
    const now = await keyed(item.seq, item.json);
    if (now.key === item.key) return;
    if (outcome === 'failed') {
      counters.itemsFailed -= 1;
      store.items.clearError(run.runId, run.nodeId, item.seq);
    } else {
      counters.itemsDone -= 1;
      if (outcome === 'cached') counters.itemsCached -= 1;
    }
    if (!takeCached(now)) await execute(now);
  };

  /** One pass over the mapped input; throws why it stopped early. */
  const pass = async (over: InputStream): Promise<void> => {
    const progress = () => {
      counters.itemsAvailable = over.available;
      counters.itemsTotal = over.total ?? 0;
      counters.changed();
    };
    async function* misses(): AsyncGenerator<Item> {
      let seq = 0;
      for await (const page of over.pages()) {
        progress();
        const keyedAhead = joins.length === 0 ? keyedPage(seq, page) : undefined;
        for (const [n, json] of page.entries()) {
          await live.settledBelow(seq - window + 1, signal);
          const item = keyedAhead?.items[n] ?? (await keyed(seq, json));
          if (takeCached(item, keyedAhead?.cached.has(item.key))) settle(item, 'cached');
          else yield item;
          seq += 1;
        }
        counters.changed();
        await nextTurn(); // let I/O and events through between pages of cache hits
      }
      progress();
    }

    // Why the inputs stopped early (an upstream that did not finish, a cancel): thrown once the workers are idle.
    let inputError: { reason: unknown } | undefined;
    const queue = misses();
    const worker = async () => {
      for (;;) {
        if (signal.aborted) return;
        let next: IteratorResult<Item>;
        try {
          next = await queue.next();
        } catch (reason) {
          inputError ??= { reason };
          stop.abort(reason);
          return;
        }
        if (next.done) return;
        const outcome = await execute(next.value);
        if (outcome) settle(next.value, outcome);
        counters.changed();
      }
    };
    await Promise.all(Array.from({ length: run.config.concurrency }, worker));
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
    if (inputError) throw inputError.reason;
    if (unconfirmed.length === 0) return;
    await Promise.all(joins.map((side) => side.complete(signal)));
    for (const entry of unconfirmed.splice(0)) await confirm(entry);
  };

  let over = run.over;
  await pass(over);
  while (!over.consistent) {
    // Rows this node read early changed since (an upstream item ran again): go over the final input once more,
    // unchanged items from the item cache.
    store.items.restart(run.runId, run.nodeId);
    counters.itemsDone = counters.itemsCached = counters.itemsFailed = 0;
    live.restart();
    over = over.replay();
    await pass(over);
  }
  store.items.flush();
  if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');

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
