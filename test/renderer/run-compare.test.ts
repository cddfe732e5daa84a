import { describe, expect, it } from 'vitest';
import type { NodeRunInfo, RunDetail } from '../../main/api/contract.ts';
import type { RewardBreakdown } from '../../nodes/rewatch/types.ts';
import { REWARD_COMPONENTS, rewardMeans } from '../../renderer/previews/rewatch/reward-stats.ts';
import {
  defaultPair,
  formatDiff,
  keptRatio,
  keptRatioRow,
  outputCountRows,
  rewardMeanRows,
  runsWithNode,
  totalsCompareRows,
} from '../../renderer/runs/run-compare.ts';

const node = (over: Partial<NodeRunInfo> = {}): NodeRunInfo => ({
  nodeId: 'llm-map-1',
  nodeType: 'llm-map',
  state: 'done',
  nodeKey: 'k',
  error: null,
  itemsTotal: 6,
  itemsDone: 6,
  itemsCached: 0,
  itemsFailed: 0,
  llmCalls: 6,
  llmCached: 0,
  llmRepairs: 0,
  tokensIn: 100,
  tokensOut: 50,
  durationMs: 1500,
  outputCounts: { out: 6 },
  ...over,
});

const reward = (total: number, rAcc: number, rObs: number, rRea: number, rFmt: number) =>
  ({ total, rAcc, rObs, rRea, rFmt, notes: {} }) as unknown as RewardBreakdown;

describe('formatDiff', () => {
  it('signs b − a and is empty when equal or missing', () => {
    expect(formatDiff(3, 5)).toBe('+2');
    expect(formatDiff(5, 3)).toBe('−2');
    expect(formatDiff(1200, 3)).toBe('−1,197');
    expect(formatDiff(4, 4)).toBe('');
    expect(formatDiff(undefined, 4)).toBe('');
    expect(formatDiff(4, null)).toBe('');
  });
});

describe('totalsCompareRows', () => {
  it('puts state, items, cached, failed, LLM calls, tokens and duration side by side with the difference', () => {
    const rows = totalsCompareRows(node(), node({ itemsCached: 6, llmCalls: 0, llmCached: 6, tokensIn: 0, tokensOut: 0, durationMs: 200, state: 'cached' }));
    expect(rows).toEqual([
      { label: 'state', a: 'done', b: 'cached', diff: 'changed' },
      { label: 'items', a: '6', b: '6', diff: '' },
      { label: 'cached items', a: '0', b: '6', diff: '+6' },
      { label: 'failed items', a: '0', b: '0', diff: '' },
      { label: 'LLM calls', a: '6', b: '0', diff: '−6' },
      { label: 'LLM cached', a: '0', b: '6', diff: '+6' },
      { label: 'tokens', a: '150', b: '0', diff: '−150' },
      { label: 'duration', a: '1.5 s', b: '200 ms', diff: '−1.3 s' },
    ]);
  });

  it('shows a dash for a run without the node', () => {
    const rows = totalsCompareRows(node(), undefined);
    expect(rows[0]).toEqual({ label: 'state', a: 'done', b: '—', diff: '' });
    expect(rows[1]).toEqual({ label: 'items', a: '6', b: '—', diff: '' });
  });
});

describe('outputCountRows', () => {
  it('lists the ports of either run with their counts and difference', () => {
    expect(outputCountRows(node({ outputCounts: { kept: 10, dropped: 2 } }), node({ outputCounts: { kept: 7, verdicts: 12 } }))).toEqual([
      { label: 'kept', a: '10', b: '7', diff: '−3' },
      { label: 'dropped', a: '2', b: '—', diff: '' },
      { label: 'verdicts', a: '—', b: '12', diff: '' },
    ]);
  });
});

describe('kept ratio', () => {
  it('divides kept by total, null when there is nothing', () => {
    expect(keptRatio(3, 4)).toBe(0.75);
    expect(keptRatio(0, 0)).toBeNull();
  });

  it('compares the ratios in percentage points', () => {
    expect(keptRatioRow(0.75, 0.5)).toEqual({ label: 'kept ratio', a: '75.0%', b: '50.0%', diff: '−25.0 pt' });
    expect(keptRatioRow(null, 0.5)).toEqual({ label: 'kept ratio', a: '—', b: '50.0%', diff: '' });
  });
});

describe('reward means', () => {
  it('averages each component, skipping non-finite values', () => {
    const means = rewardMeans([reward(1, 1, 0.5, 0.25, 0), reward(0, 0, 0, 0.75, 1), reward(Number.NaN, 0.5, 1, 0.5, 0.5)]);
    expect(means).toEqual({ r_acc: 0.5, r_obs: 0.5, r_rea: 0.5, r_fmt: 0.5, total: 0.5 });
  });

  it('is null for no rows', () => {
    expect(rewardMeans([])).toEqual({ r_acc: null, r_obs: null, r_rea: null, r_fmt: null, total: null });
  });

  it('makes one row per component with the difference', () => {
    const a = rewardMeans([reward(1, 1, 0, 0, 0)]);
    const b = rewardMeans([reward(1.5, 1, 0, 0, 0)]);
    const rows = rewardMeanRows(a, b);
    expect(rows.map((r) => r.label)).toEqual(REWARD_COMPONENTS.map(([label]) => `mean ${label}`));
    expect(rows.at(-1)).toEqual({ label: 'mean total', a: '1.000', b: '1.500', diff: '+0.500' });
    expect(rewardMeanRows(a, null)[0]).toEqual({ label: 'mean r_acc', a: '1.000', b: '—', diff: '' });
  });
});

describe('picking runs', () => {
  const detail = (runId: string, nodeIds: string[]) => ({ runId, nodes: nodeIds.map((nodeId) => node({ nodeId })) }) as unknown as RunDetail;

  it('keeps the runs that hold the node, in order', () => {
    const runs = [detail('r3', ['a', 'b']), detail('r2', ['a']), detail('r1', ['b'])];
    expect(runsWithNode(runs, 'b').map((r) => r.runId)).toEqual(['r3', 'r1']);
  });

  it('compares the previous run (A) with the newest (B) at first', () => {
    expect(defaultPair(['r3', 'r2', 'r1'])).toEqual(['r2', 'r3']);
    expect(defaultPair(['r3'])).toEqual([undefined, 'r3']);
  });
});
