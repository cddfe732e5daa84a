import type { NodeTotals } from '../api/contract.ts';

/** Live totals of one node in one run; `changed()` lets the executor publish progress at a bounded rate. */
export class NodeCounters {
  itemsTotal = 0;
  /** Items of the node's input available so far (all of them once its input is complete). */
  itemsAvailable = 0;
  itemsDone = 0;
  itemsCached = 0;
  itemsFailed = 0;
  llmCalls = 0;
  llmCached = 0;
  llmRepairs = 0;
  tokensIn = 0;
  tokensOut = 0;
  startedAt = 0;
  finishedAt = 0;

  constructor(readonly changed: () => void = () => {}) {}

  totals(): NodeTotals {
    return {
      itemsTotal: this.itemsTotal,
      itemsDone: this.itemsDone,
      itemsCached: this.itemsCached,
      itemsFailed: this.itemsFailed,
      llmCalls: this.llmCalls,
      llmCached: this.llmCached,
      llmRepairs: this.llmRepairs,
      tokensIn: this.tokensIn,
      tokensOut: this.tokensOut,
      durationMs: this.startedAt ? (this.finishedAt || Date.now()) - this.startedAt : 0,
    };
  }
}

export function sumTotals(all: Iterable<NodeTotals>): NodeTotals {
  const sum: NodeTotals = {
    itemsTotal: 0,
    itemsDone: 0,
    itemsCached: 0,
    itemsFailed: 0,
    llmCalls: 0,
    llmCached: 0,
    llmRepairs: 0,
    tokensIn: 0,
    tokensOut: 0,
    durationMs: 0,
  };
  for (const t of all) for (const key of Object.keys(sum) as Array<keyof NodeTotals>) sum[key] += t[key];
  return sum;
}
