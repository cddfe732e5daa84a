import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ApiError, type ExportedRow, type Provenance, type ProvenanceRow, type RowRef } from '../api/contract.ts';
import type { GraphFile } from '../graph/format.ts';
import { outputDataType } from '../graph/rules.ts';
import type { RunStore } from '../store/index.ts';
import type { StoredOutput } from '../store/outputs.ts';
import type { NodeCatalog } from './catalog.ts';
import { ruleGraph } from './validate.ts';

/**
 * An item names the item it was made from by these fields (a CoT its trajectory, a verdict its QA…); its own is `id`.
 * Following them both ways from a row gives its question's whole lineage across the run's outputs.
 */
const ITEM_REFS = ['qaId', 'questionId', 'trajectoryId', 'responseId'] as const;
/** What an item was made over: followed one way only (to the video and caption rows), as many questions share them. */
const CONTEXT_REFS = ['videoId', 'captionId'] as const;
/** Related rows read per output and per pass; a lineage has a handful per output, so more means a shared id. */
const ROWS_PER_OUTPUT = 50;
/** Lineage passes: QA → verdicts/MCQ → trajectories → CoTs → rewards is the longest chain of the paper. */
const MAX_PASSES = 8;
const ROWS_PER_FILE = 20;

interface RunOutput {
  nodeId: string;
  nodeType: string;
  port: string;
  dataType: string;
  outputKey: string;
  stored: StoredOutput;
}

const rowOf = (output: RunOutput, seq: number, data: unknown): ProvenanceRow => ({
  nodeId: output.nodeId,
  port: output.port,
  seq,
  nodeType: output.nodeType,
  dataType: output.dataType,
  data,
});

const strings = (data: unknown, fields: readonly string[]): string[] =>
  fields.flatMap((f) => {
    const value = (data as Record<string, unknown> | null)?.[f];
    return typeof value === 'string' ? [value] : [];
  });

/** Every stored output port of the run, in the graph's node order. */
function runOutputs(store: RunStore, catalog: NodeCatalog, runId: string, graph: GraphFile): RunOutput[] {
  const definitions = new Map(graph.nodes.flatMap((n) => (catalog.get(n.type) ? [[n.id, catalog.get(n.type)!] as const] : [])));
  const rules = ruleGraph(graph, definitions);
  return graph.nodes.flatMap((node) => {
    const outputKey = store.runs.outputKey(runId, node.id);
    const stored = outputKey ? store.outputs.get(outputKey) : undefined;
    if (!outputKey || !stored) return [];
    return Object.keys(stored.ports).map((port) => ({
      nodeId: node.id,
      nodeType: node.type,
      port,
      dataType: outputDataType(rules, node.id, port) ?? 'Any',
      outputKey,
      stored,
    }));
  });
}

/**
 * The rows of `outputs` related to `origin`. Each pass scans every output once for rows whose `id` or item refs hold
 * an id of the lineage so far (a bounded SQL scan per output: lookups are rare, so no index is kept on every write),
 * and adds the ids those rows carry, until no new id turns up.
 */
function lineage(store: RunStore, outputs: readonly RunOutput[], origin: ProvenanceRow): { rows: ProvenanceRow[]; truncated: boolean } {
  const ids = new Set([...strings(origin.data, ['id']), ...strings(origin.data, ITEM_REFS)]);
  const found = new Map<string, ProvenanceRow>([[`${origin.nodeId}/${origin.port}/${origin.seq}`, origin]]);
  let truncated = false;
  for (let pass = 0, grew = ids.size > 0; grew && pass < MAX_PASSES; pass++) {
    const before = ids.size;
    for (const output of outputs) {
      const rows = store.outputs.matching(output.outputKey, output.port, ['id', ...ITEM_REFS], [...ids], ROWS_PER_OUTPUT);
      truncated ||= rows.length === ROWS_PER_OUTPUT;
      for (const { seq, data } of rows) {
        found.set(`${output.nodeId}/${output.port}/${seq}`, rowOf(output, seq, data));
        for (const id of [...strings(data, ['id']), ...strings(data, ITEM_REFS)]) ids.add(id);
      }
    }
    grew = ids.size > before;
  }
  const context = new Set([...found.values()].flatMap((row) => strings(row.data, CONTEXT_REFS)));
  for (const output of outputs) {
    for (const { seq, data } of store.outputs.matching(output.outputKey, output.port, ['id'], [...context], ROWS_PER_OUTPUT)) {
      found.set(`${output.nodeId}/${output.port}/${seq}`, rowOf(output, seq, data));
    }
  }
  const order = new Map(outputs.map((o, i) => [`${o.nodeId}/${o.port}`, i]));
  const rows = [...found.values()].sort((a, b) => (order.get(`${a.nodeId}/${a.port}`) ?? 0) - (order.get(`${b.nodeId}/${b.port}`) ?? 0) || a.seq - b.seq);
  return { rows, truncated };
}

/** What an exported row of the lineage mentions: its questions' ids (GRPO ground truth) or texts (SFT prompts). */
function needles(rows: readonly ProvenanceRow[]): string[] {
  const questions = rows.filter((r) => typeof (r.data as { question?: unknown })?.question === 'string');
  const texts = questions.map((r) => JSON.stringify((r.data as { question: string }).question).slice(1, -1));
  const ids = questions.flatMap((r) => strings(r.data, ['id', 'questionId']));
  return [...new Set([...ids, ...texts])].filter((n) => n.length >= 8);
}

/** Dataset files (JSON Lines, or JSON arrays written a row per line) of the run's exports, read line by line. */
async function exportedRows(rows: readonly ProvenanceRow[], datasets: readonly ProvenanceRow[]): Promise<{ exported: ExportedRow[]; truncated: boolean }> {
  const wanted = needles(rows);
  const exported: ExportedRow[] = [];
  let truncated = false;
  if (wanted.length === 0) return { exported, truncated };
  for (const dataset of datasets) {
    const files = (dataset.data as { files?: Array<{ path?: unknown }> }).files ?? [];
    for (const path of files.flatMap((f) => (typeof f.path === 'string' && /\.jsonl?$/.test(f.path) ? [f.path] : []))) {
      let line = 0;
      let hits = 0;
      const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
      try {
        for await (const text of lines) {
          line += 1;
          if (!wanted.some((n) => text.includes(n))) continue;
          if (++hits > ROWS_PER_FILE) {
            truncated = true;
            break;
          }
          exported.push({ nodeId: dataset.nodeId, file: path, line, row: JSON.parse(text.trim().replace(/,$/, '')) as unknown });
        }
      } catch {
        // A file moved or rewritten since the run: its rows are simply not shown.
      } finally {
        lines.close();
      }
    }
  }
  return { exported, truncated };
}

/** The sources and fate of one output row of a run; see `Provenance`. */
export async function findProvenance(store: RunStore, catalog: NodeCatalog, runId: string, graph: GraphFile, ref: RowRef): Promise<Provenance> {
  const outputs = runOutputs(store, catalog, runId, graph);
  const output = outputs.find((o) => o.nodeId === ref.nodeId && o.port === ref.port);
  if (!output) throw new ApiError(404, `node "${ref.nodeId}" has no stored output "${ref.port}" in run "${runId}"`);
  const data = store.outputs.row(output.outputKey, output.port, ref.seq);
  if (data === undefined) throw new ApiError(404, `"${ref.nodeId}.${ref.port}" has no row ${ref.seq} in run "${runId}"`);
  const origin = rowOf(output, ref.seq, data);
  const { rows, truncated } = lineage(store, outputs, origin);
  // A dataset output is one item per written dataset: a few rows, read whole.
  const datasets = outputs
    .filter((o) => o.dataType === 'Dataset')
    .flatMap((o) => store.outputs.page(o.stored, o.port, {}, 0, ROWS_PER_OUTPUT).items.map(({ seq, data }) => rowOf(o, seq, data)));
  const files = await exportedRows(rows, datasets);
  return { origin, rows, exported: files.exported, truncated: truncated || files.truncated };
}
