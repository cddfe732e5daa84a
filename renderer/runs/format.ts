import type { NodeTotals } from '../../main/api/contract.ts';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Totals as label/value pairs, leaving out the LLM ones for nodes that made no calls. */
export function totalsRows(totals: NodeTotals): [string, string][] {
  const rows: [string, string][] = [
    ['items', `${formatCount(totals.itemsDone)} / ${formatCount(totals.itemsTotal)}`],
    ['cached items', formatCount(totals.itemsCached)],
    ['failed items', formatCount(totals.itemsFailed)],
  ];
  if (totals.llmCalls > 0 || totals.llmCached > 0) {
    rows.push(
      ['LLM calls', `${formatCount(totals.llmCalls)} (${formatCount(totals.llmCached)} cached)`],
      ['tokens in / out', `${formatCount(totals.tokensIn)} / ${formatCount(totals.tokensOut)}`],
    );
    if (totals.llmRepairs > 0) rows.push(['JSON repairs', formatCount(totals.llmRepairs)]);
  }
  rows.push(['duration', formatDuration(totals.durationMs)]);
  return rows;
}
