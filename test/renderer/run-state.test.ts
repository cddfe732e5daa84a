import { describe, expect, it } from 'vitest';
import type { NodeTotals, RunEvent } from '../../main/api/contract.ts';
import { logEntryOf, reduceRunEvent, type RunView } from '../../renderer/runs/run-state.ts';

const totals: NodeTotals = { itemsTotal: 4, itemsDone: 4, itemsCached: 1, itemsFailed: 0, llmCalls: 3, llmCached: 1, llmRepairs: 0, tokensIn: 30, tokensOut: 12, durationMs: 900 };

function play(events: RunEvent[]): RunView | undefined {
  return events.reduce<RunView | undefined>((view, event) => reduceRunEvent(view, event, 1000), undefined);
}

describe('run state from events', () => {
  it('follows a run from queued through progress to done', () => {
    const view = play([
      { type: 'run-started', runId: 'r1', graphName: 'g', nodeIds: ['a', 'b'] },
      { type: 'node-state', runId: 'r1', nodeId: 'a', state: 'cached' },
      { type: 'node-state', runId: 'r1', nodeId: 'b', state: 'running' },
      { type: 'node-progress', runId: 'r1', nodeId: 'b', done: 2, available: 3, total: 4, cached: 1, failed: 0 },
    ]);
    expect(view?.status).toBe('running');
    expect(view?.nodes).toEqual({
      a: { state: 'cached', done: 0, available: 0, total: null, cached: 0, failed: 0 },
      b: { state: 'running', done: 2, available: 3, total: 4, cached: 1, failed: 0 },
    });
    const done = reduceRunEvent(view, { type: 'run-finished', runId: 'r1', status: 'done', totals }, 2000);
    expect(done).toMatchObject({ status: 'done', totals, finishedAt: 2000 });
  });

  it('keeps a node failure with its error and ignores events of runs it never saw start', () => {
    const view = play([
      { type: 'run-started', runId: 'r1', graphName: 'g', nodeIds: ['a'] },
      { type: 'node-state', runId: 'r1', nodeId: 'a', state: 'failed', error: 'boom' },
    ]);
    expect(view?.nodes.a).toMatchObject({ state: 'failed', error: 'boom' });
    expect(reduceRunEvent(undefined, { type: 'node-state', runId: 'r2', nodeId: 'a', state: 'done' }, 0)).toBeUndefined();
  });

  it('turns events into log lines', () => {
    expect(logEntryOf({ type: 'item-error', runId: 'r1', nodeId: 'a', seq: 7, message: 'bad JSON' }, 5)).toEqual({
      at: 5,
      runId: 'r1',
      nodeId: 'a',
      level: 'warn',
      message: 'item 7: bad JSON',
    });
    expect(logEntryOf({ type: 'node-progress', runId: 'r1', nodeId: 'a', done: 1, available: 2, total: 2, cached: 0, failed: 0 }, 5)).toBeUndefined();
  });
});
