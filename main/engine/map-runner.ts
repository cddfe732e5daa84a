import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RunStore } from '../store/index.ts';
import type { StoredOutput } from '../store/outputs.ts';
import type { MapNodeDefinition, NodeContext } from '../../nodes/sdk/index.ts';
import { itemKey } from './cache-key.ts';
import { concatCollection, rawRows, sourceCount, type NodeInputs } from './node-inputs.ts';
import type { NodeCounters } from './node-counters.ts';

interface MapRun {
  runId: string;
  nodeId: string;
  definition: MapNodeDefinition;
  config: Record<string, unknown> & { concurrency: number; maxErrorRatio: number };
  inputs: NodeInputs;
  scopeKey: string;
  /** Where the assembled output goes: the node key, or a run-scoped key when items failed. */
  outputKey: (failed: number) => string;
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
 * Runs a map node: items already cached are taken as they are, the rest go through `execute` with the node's
 * concurrency, each result committed as it finishes; the output is then assembled in input order.
 */
export async function runMapNode(store: RunStore, run: MapRun): Promise<StoredOutput> {
  const { definition, inputs, counters, ctx } = run;
  const over = inputs[definition.over] ?? [];
  counters.itemsTotal = sourceCount(over);
  const sideInputs = Object.fromEntries(
    Object.entries(inputs)
      .filter(([port]) => port !== definition.over)
      .map(([port, sources]) => [port, concatCollection(store.outputs, sources)]),
  );

  async function* misses(): AsyncGenerator<Pending> {
    let seq = 0;
    for (const page of rawRows(store.outputs, over)) {
      for (const json of page) {
        const key = itemKey(run.scopeKey, json);
        if (run.useCache && store.items.has(key)) {
          store.items.recordHit(run.runId, run.nodeId, seq, key);
          counters.itemsCached += 1;
          counters.itemsDone += 1;
        } else {
          yield { seq, key, json };
        }
        seq += 1;
      }
      counters.changed();
      await nextTurn(); // let I/O and events through between pages of cache hits
    }
  }

  const queue = misses();
  const worker = async () => {
    for (;;) {
      if (ctx.signal.aborted) return;
      const next = await queue.next();
      if (next.done) return;
      const { seq, key, json } = next.value;
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
      counters.changed();
    }
  };
  await Promise.all(Array.from({ length: run.config.concurrency }, worker));
  store.items.flush();
  if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');

  const writer = store.outputs.beginWrite(run.outputKey(counters.itemsFailed), definition.type, Object.keys(definition.outputs));
  for (const row of store.items.assembledRows(run.runId, run.nodeId, counters.itemsTotal)) writer.appendJson(row.port, row.data);
  const output = writer.finish();
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
