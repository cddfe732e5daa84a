/** Pure parts of comparing one node across two runs: totals and output counts side by side, ratios, reward means. */
import type { NodeRunInfo, RunDetail } from '../../main/api/contract.ts';
import { REWARD_COMPONENTS, type RewardComponent } from '../previews/rewatch/reward-stats.ts';
import { formatCount, formatDuration } from './format.ts';

export interface CompareRow {
  label: string;
  a: string;
  b: string;
  /** `b − a`, formatted with its sign; empty when equal or not numeric. */
  diff: string;
}

/** `b − a` with an explicit sign; `''` when either side is missing or they are equal. */
export function formatDiff(a: number | null | undefined, b: number | null | undefined, format: (n: number) => string = formatCount): string {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || a === b) return '';
  const d = b - a;
  return `${d > 0 ? '+' : '−'}${format(Math.abs(d))}`;
}

const numberRow = (label: string, a: number | null | undefined, b: number | null | undefined, format: (n: number) => string = formatCount): CompareRow => ({
  label,
  a: a == null ? '—' : format(a),
  b: b == null ? '—' : format(b),
  diff: formatDiff(a, b, format),
});

/** State, items, cached, failed, LLM calls, tokens and duration of the node in run A and run B. */
export function totalsCompareRows(a: NodeRunInfo | undefined, b: NodeRunInfo | undefined): CompareRow[] {
  const tokens = (n: NodeRunInfo | undefined) => (n ? n.tokensIn + n.tokensOut : undefined);
  return [
    { label: 'state', a: a?.state ?? '—', b: b?.state ?? '—', diff: a && b && a.state !== b.state ? 'changed' : '' },
    numberRow('items', a?.itemsDone, b?.itemsDone),
    numberRow('cached items', a?.itemsCached, b?.itemsCached),
    numberRow('failed items', a?.itemsFailed, b?.itemsFailed),
    numberRow('LLM calls', a?.llmCalls, b?.llmCalls),
    numberRow('LLM cached', a?.llmCached, b?.llmCached),
    numberRow('tokens', tokens(a), tokens(b)),
    numberRow('duration', a?.durationMs, b?.durationMs, formatDuration),
  ];
}

/** One row per output port of either run (in first-seen order), with the item counts and their difference. */
export function outputCountRows(a: NodeRunInfo | undefined, b: NodeRunInfo | undefined): CompareRow[] {
  const ports = [...new Set([...Object.keys(a?.outputCounts ?? {}), ...Object.keys(b?.outputCounts ?? {})])];
  return ports.map((port) => numberRow(port, a?.outputCounts[port], b?.outputCounts[port]));
}

/** `kept / total`, or `null` when there is nothing to divide by. */
export function keptRatio(kept: number, total: number): number | null {
  return total > 0 ? kept / total : null;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

/** Kept ratios side by side; the difference is in percentage points. */
export function keptRatioRow(a: number | null, b: number | null): CompareRow {
  return {
    label: 'kept ratio',
    a: formatRatio(a),
    b: formatRatio(b),
    diff: formatDiff(a === null ? null : a * 100, b === null ? null : b * 100, (n) => `${n.toFixed(1)} pt`),
  };
}

/** One row per reward component with the means of run A and run B. */
export function rewardMeanRows(a: Record<RewardComponent, number | null> | null, b: Record<RewardComponent, number | null> | null): CompareRow[] {
  const fmt = (n: number) => n.toFixed(3);
  return REWARD_COMPONENTS.map(([label]) => numberRow(`mean ${label}`, a?.[label], b?.[label], fmt));
}

/** The runs (in the given order) whose node list holds `nodeId`. */
export function runsWithNode(details: readonly RunDetail[], nodeId: string): RunDetail[] {
  return details.filter((d) => d.nodes.some((n) => n.nodeId === nodeId));
}

/** The two runs to compare at first: the newest two (the list is newest first). */
export function defaultPair(runIds: readonly string[]): [string | undefined, string | undefined] {
  return [runIds[1], runIds[0]];
}
