import type { NodeRunInfo, NodeTotals, SampleSpec } from '../api/contract.ts';

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** Left-aligned text columns, right-aligned numbers. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return cells
    .map((r) => r.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

const columns = ['node', 'state', 'items', 'cached', 'failed', 'llm calls', 'llm cached', 'json repairs', 'tokens in', 'tokens out', 'time'];

function row(name: string, state: string, t: NodeTotals): Array<string | number> {
  return [name, state, t.itemsTotal, t.itemsCached, t.itemsFailed, t.llmCalls, t.llmCached, t.llmRepairs, t.tokensIn, t.tokensOut, duration(t.durationMs)];
}

/** The per-node summary printed at the end of `rewatch run`. */
export function runSummary(nodes: NodeRunInfo[], totals: NodeTotals, status: string): string {
  return table(columns, [...nodes.map((n) => row(n.nodeId, n.state, n)), row('total', status, totals)]);
}

/** How a sample run is named in summaries and the history. */
export function sampleLabel(sample: SampleSpec): string {
  return `sample ${sample.n} per source, seed ${sample.seed}`;
}
