/**
 * What a run stored, to compare two runs of one graph on two fresh data dirs (streaming against barrier): per node its
 * state, key, output rows of every port and item errors; and every item key the data dir's item cache holds.
 */
import type { RunDetail } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { storeQuery } from './run-processes.ts';

const PAGE = 1000;

async function allRows(engine: Engine, runId: string, nodeId: string, port: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (;;) {
    const page = await engine.nodeOutput(runId, nodeId, port, { offset: rows.length, limit: PAGE });
    rows.push(...page.items.map((item) => item.data));
    if (rows.length >= page.total || page.items.length === 0) return rows;
  }
}

export interface NodeFingerprint {
  state: string;
  nodeKey: string | null;
  outputs: Record<string, unknown[]>;
  errors: Array<{ seq: number; message: string; input: unknown }>;
}

export async function runFingerprint(engine: Engine, run: RunDetail, nodeIds: readonly string[]) {
  const nodes: Record<string, NodeFingerprint> = {};
  for (const nodeId of nodeIds) {
    const node = run.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`the run has no node "${nodeId}"`);
    const outputs: Record<string, unknown[]> = {};
    for (const port of Object.keys(node.outputCounts)) outputs[port] = await allRows(engine, run.runId, nodeId, port);
    const { errors } = await engine.nodeErrors(run.runId, nodeId, { limit: PAGE });
    nodes[nodeId] = {
      state: node.state,
      nodeKey: node.nodeKey,
      outputs,
      errors: errors.map(({ seq, message, input }) => ({ seq, message, input })),
    };
  }
  return nodes;
}

/** Every item key in a data dir's item cache, sorted. */
export function itemKeys(dataDir: string): string[] {
  return storeQuery(dataDir, (db) => db.prepare('SELECT item_key FROM item_outputs ORDER BY item_key').pluck().all() as string[]) ?? [];
}
