import { describe, expect, it } from 'vitest';
import type { NodeRunInfo, NodeTypeInfo, RunEvent } from '../../main/api/contract.ts';
import { NodeCounters } from '../../main/engine/node-counters.ts';
import { emptyGraph, type GraphEdge } from '../../main/graph/format.ts';
import { addedFieldsFirst, fieldNames, finishedText, outputIn, parseTrySample, triedInputs, tryPhase } from '../../renderer/inspector/try-on.ts';
import type { NodeLive, RunView } from '../../renderer/runs/run-state.ts';
import { createRunsStore } from '../../renderer/runs/run-store.ts';

const port = (name: string) => ({ name, dataType: 'record', description: '', optional: false, multiple: false });
const nodeType = (mode: 'map' | 'once', inputs: string[], over?: string): NodeTypeInfo => ({
  type: 't',
  version: 1,
  title: 'T',
  category: 'Test',
  description: '',
  mode,
  ...(over ? { over } : {}),
  deterministic: true,
  inputs: inputs.map(port),
  outputs: [port('items')],
  configSchema: {},
});
const edge = (from: string, fromPort: string, to: string, toPort: string): GraphEdge => ({
  id: `${from}-${to}-${toPort}`,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});
const nodeRun = (nodeId: string, state: NodeRunInfo['state']): NodeRunInfo => ({
  nodeId,
  nodeType: 't',
  state,
  nodeKey: null,
  error: null,
  outputCounts: {},
  ...new NodeCounters().totals(),
});
const live = (state: NodeLive['state'], more: Partial<NodeLive> = {}): NodeLive => ({ state, done: 0, available: 0, total: null, cached: 0, failed: 0, ...more });
const run = (status: RunView['status'], nodes: Record<string, NodeLive>, error?: string): RunView => ({
  runId: 'r1',
  graphName: 'g',
  status,
  nodes,
  startedAt: 0,
  ...(error ? { error } : {}),
});

describe('the sample a try asks for', () => {
  it('takes a positive size and a non-negative seed', () => {
    expect(parseTrySample('3', '7')).toEqual({ sample: { n: 3, seed: 7 } });
  });

  it('says what is wrong with a size or seed that the engine would refuse', () => {
    expect(parseTrySample('0', '0')).toEqual({ problem: 'the sample size must be a positive integer, got 0' });
    expect(parseTrySample('2.5', '0')).toEqual({ problem: 'the sample size must be a positive integer, got 2.5' });
    expect(parseTrySample('3', '-1')).toEqual({ problem: 'the sample seed must be a non-negative integer, got -1' });
    expect('problem' in parseTrySample('', '0')).toBe(true);
  });
});

describe('what a try ran on', () => {
  const edges = [edge('a', 'items', 'n', 'items'), edge('b', 'rows', 'n', 'context'), edge('c', 'items', 'n', 'items'), edge('a', 'items', 'other', 'items')];
  const ran = (states: Record<string, NodeRunInfo['state']>) => ({
    graph: { ...emptyGraph('g'), edges },
    nodes: Object.entries(states).map(([nodeId, state]) => nodeRun(nodeId, state)),
  });

  it("is a map node's mapped input, from every edge into it in the graph as run, in edge order", () => {
    expect(triedInputs(nodeType('map', ['items', 'context'], 'items'), 'n', ran({ a: 'cached', b: 'done', c: 'done' }))).toEqual([
      { nodeId: 'a', port: 'items' },
      { nodeId: 'c', port: 'items' },
    ]);
  });

  it('is every input of a once-node', () => {
    expect(triedInputs(nodeType('once', ['items', 'context']), 'n', ran({ a: 'done', b: 'done', c: 'cached' }))).toEqual([
      { nodeId: 'a', port: 'items' },
      { nodeId: 'b', port: 'rows' },
      { nodeId: 'c', port: 'items' },
    ]);
  });

  it('is read only from nodes that have an output in the run', () => {
    const run = ran({ a: 'cached', b: 'cancelled', c: 'failed', n: 'done' });
    expect(triedInputs(nodeType('once', ['items', 'context']), 'n', run)).toEqual([{ nodeId: 'a', port: 'items' }]);
    expect(['a', 'b', 'c', 'n', 'absent'].map((id) => outputIn(run, id))).toEqual([true, false, false, true, false]);
  });
});

describe('where a try stands', () => {
  it('is starting until its run is known, then running with progress', () => {
    expect(tryPhase(undefined, 'n')).toEqual({ kind: 'starting' });
    expect(tryPhase(run('running', { n: live('queued') }), 'n')).toEqual({ kind: 'running', done: 0, total: null });
    expect(tryPhase(run('running', { n: live('running', { done: 2, total: 3 }) }), 'n')).toEqual({ kind: 'running', done: 2, total: 3 });
  });

  it('is finished from the cache when the node was', () => {
    const phase = tryPhase(run('done', { n: live('cached', { total: 3 }) }), 'n');
    expect(phase).toEqual({ kind: 'finished', state: 'cached', items: 3, cachedItems: 0, failed: 0 });
    expect(finishedText(phase as Extract<typeof phase, { kind: 'finished' }>)).toBe('nothing it depends on changed');
  });

  it('counts the items that ran, came from the item cache or failed', () => {
    const phase = tryPhase(run('done', { n: live('done', { done: 5, total: 5, cached: 3, failed: 1 }) }), 'n');
    expect(phase.kind === 'finished' && finishedText(phase)).toBe('ran 5 items (3 cached) · 1 failed');
    const single = tryPhase(run('done', { n: live('done', { done: 1, total: 1 }) }), 'n');
    expect(single.kind === 'finished' && finishedText(single)).toBe('ran 1 item');
  });

  it('is stopped with the reason when the node failed, was cancelled, or its run ended first', () => {
    expect(tryPhase(run('failed', { n: live('failed', { error: 'too many failed items' }) }), 'n')).toEqual({
      kind: 'stopped',
      state: 'failed',
      message: 'too many failed items',
    });
    expect(tryPhase(run('cancelled', { n: live('cancelled') }, 'the run was cancelled'), 'n')).toEqual({
      kind: 'stopped',
      state: 'cancelled',
      message: 'the run was cancelled',
    });
    expect(tryPhase(run('cancelled', { n: live('queued') }), 'n')).toMatchObject({ kind: 'stopped', state: 'cancelled' });
    expect(tryPhase(run('failed', { n: live('running') }, 'the store broke'), 'n')).toEqual({ kind: 'stopped', state: 'failed', message: 'the store broke' });
  });
});

describe('an output beside its inputs', () => {
  it('shows the fields the node added first, the rest in their order', () => {
    const inputs = fieldNames([{ topic: 'ships', id: 1 }, 'not a record', { lang: 'en' }]);
    expect([...inputs]).toEqual(['topic', 'id', 'lang']);
    expect(Object.keys(addedFieldsFirst({ topic: 'ships', id: 1, answer: 'x', score: 2 }, inputs) as object)).toEqual(['answer', 'score', 'topic', 'id']);
    expect(addedFieldsFirst(['a'], inputs)).toEqual(['a']);
    expect(addedFieldsFirst('text', inputs)).toBe('text');
  });
});

describe('the runs the canvas follows', () => {
  const started = (runId: string, sample?: { n: number; seed: number }): RunEvent => ({ type: 'run-started', runId, graphName: 'g', nodeIds: ['n'], ...(sample && { sample }) });

  it('follows a new full run, but not a sample run, which is kept as the node’s try', () => {
    const runs = createRunsStore();
    runs.getState().apply(started('full'));
    expect(runs.getState().viewedRunId).toBe('full');
    runs.getState().apply(started('try', { n: 3, seed: 0 }));
    expect(runs.getState().viewedRunId).toBe('full');
    expect(runs.getState().runs.try?.sample).toEqual({ n: 3, seed: 0 });
    runs.getState().setTryRun('n', 'try');
    expect(runs.getState().tryRuns).toEqual({ n: 'try' });
  });

  it('forgets the tries when another graph is opened', () => {
    const runs = createRunsStore();
    runs.getState().setTryRun('n', 'try');
    runs.getState().viewNone();
    expect(runs.getState().tryRuns).toEqual({});
  });
});
