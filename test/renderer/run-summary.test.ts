import { describe, expect, it } from 'vitest';
import { NodeCounters } from '../../main/engine/node-counters.ts';
import type { NodeLive, RunView } from '../../renderer/runs/run-state.ts';
import { runSummary, shortRunSummary } from '../../renderer/runs/run-summary.ts';

const live = (state: NodeLive['state'], failed = 0): NodeLive => ({ state, done: 0, available: 0, total: null, cached: 0, failed });
const totals = (values: Partial<ReturnType<NodeCounters['totals']>>) => ({ ...new NodeCounters().totals(), ...values });

describe('the toolbar’s run summary', () => {
  it('counts finished nodes and failed items while the run goes on', () => {
    const view: RunView = {
      runId: 'r',
      graphName: 'g',
      status: 'running',
      startedAt: 0,
      nodes: { a: live('done'), b: live('cached'), c: live('running', 2), d: live('queued') },
    };
    expect(runSummary(view, 5000)).toBe('2 of 4 nodes finished · 2 items failed');
  });

  it('reads the wall time, items and the LLM requests the servers received, cache hits apart', () => {
    const view: RunView = {
      runId: 'r',
      graphName: 'g',
      status: 'done',
      startedAt: 1000,
      finishedAt: 64_000,
      nodes: {},
      // llmCalls counts requests sent plus cache hits: 6 reached the servers.
      totals: totals({ itemsDone: 1234, itemsCached: 200, itemsFailed: 1, llmCalls: 10, llmCached: 4, durationMs: 999_999 }),
    };
    expect(runSummary(view, 0)).toBe('in 1 min 3 s · 1,234 items processed (200 from cache) · 1 item failed · 6 LLM requests (+4 from cache)');
  });

  it('leaves out what did not happen', () => {
    const view: RunView = { runId: 'r', graphName: 'g', status: 'cancelled', startedAt: 0, finishedAt: 500, nodes: {}, totals: totals({ itemsDone: 1 }) };
    expect(runSummary(view, 0)).toBe('in 500 ms · 1 item processed');
  });

  it('says the same in a few words for a crowded toolbar', () => {
    const running: RunView = { runId: 'r', graphName: 'g', status: 'running', startedAt: 0, nodes: { a: live('done'), b: live('running') } };
    expect(shortRunSummary(running, 0)).toBe('1/2 nodes');
    const done: RunView = { runId: 'r', graphName: 'g', status: 'done', startedAt: 0, finishedAt: 1900, nodes: {}, totals: totals({ llmCalls: 9, llmCached: 2 }) };
    expect(shortRunSummary(done, 0)).toBe('1.9 s · 7 requests');
  });
});
