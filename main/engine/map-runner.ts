import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RunStore } from '../store/index.ts';
import type { StoredOutput } from '../store/outputs.ts';
import type { MapNodeDefinition, NodeContext } from '../../nodes/sdk/index.ts';
import { itemKey } from './cache-key.ts';
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
  /** The other inputs, whole. */
  sideInputs: NodeInputs;
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

interface Pending {
  seq: number;
  key: string;
  json: string;
}

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
 * may still be growing (a running upstream map node): items start as their rows arrive.
 */
export async function runMapNode(store: RunStore, run: MapRun): Promise<StoredOutput> {
  const { definition, counters, ctx, over, live } = run;
  const window = runAheadWindow(run.config.concurrency);
  const sideInputs = Object.fromEntries(
    Object.entries(run.sideInputs).map(([port, sources]) => [port, concatCollection(store.outputs, sources)]),
  );
  const progress = () => {
    counters.itemsAvailable = over.available;
    counters.itemsTotal = over.total ?? 0;
    counters.changed();
  };

  async function* misses(): AsyncGenerator<Pending> {
    let seq = 0;
    for await (const page of over.pages()) {
      progress();
      for (const json of page) {
        await live.settledBelow(seq - window + 1, ctx.signal);
        const key = itemKey(run.scopeKey, json);
        if (run.useCache && store.items.has(key)) {
          store.items.recordHit(run.runId, run.nodeId, seq, key);
          counters.itemsCached += 1;
          counters.itemsDone += 1;
          live.settle(seq);
        } else {
          yield { seq, key, json };
        }
        seq += 1;
      }
      counters.changed();
      await nextTurn(); // let I/O and events through between pages of cache hits
    }
    progress();
  }

  const queue = misses();
  /** Why the mapped input stopped early (an upstream that did not finish, a cancel): thrown once the workers are idle. */
  let inputError: { reason: unknown } | undefined;
  const nextItem = async (): Promise<Pending | undefined> => {
    try {
      const next = await queue.next();
      return next.done ? undefined : next.value;
    } catch (reason) {
      inputError ??= { reason };
      return undefined;
    }
  };
  const worker = async () => {
    for (;;) {
      if (ctx.signal.aborted) return;
      const next = await nextItem();
      if (!next) return;
      const { seq, key, json } = next;
      try {
        const outputs = await definition.execute(run.itemContext(seq), { ...sideInputs, [definition.over]: JSON.parse(json) }, run.config);
        store.items.recordResult(run.runId, run.nodeId, seq, key, definition.type, checkOutputs(definition, outputs));
        counters.itemsDone += 1;
      } catch (error) {
        if (ctx.signal.aborted) return;
        const { message, raw } = errorParts(error);
        store.items.recordError(run.runId, run.nodeId, seq, message, raw);
        counters.itemsFailed += 1;
        run.onItemError(seq, message);
      }
      live.settle(seq);
      counters.changed();
    }
  };
  await Promise.all(Array.from({ length: run.config.concurrency }, worker));
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
