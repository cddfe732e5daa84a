import { describe, expect, it } from 'vitest';
import { findCycle, planRun, topologicalOrder } from '../../main/engine/plan.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { pipelineGraph } from '../support/engine-fixture.ts';

/** Planning only reads ids and edges, so the node types here do not matter. */
function graph(ids: string[], edges: [string, string][]): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'plan',
    nodes: ids.map((id, i) => ({ id, type: 'test.any', typeVersion: 1, position: { x: i * 100, y: 0 }, config: {} })),
    edges: edges.map(([from, to], i) => ({ id: `e${i + 1}`, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } })),
  };
}
const all = (g: GraphFile) => new Set(g.nodes.map((n) => n.id));

/**
 * src → ask → keep → out, with a side branch ask → audit → report, an independent node `notes`, and a second
 * source `extra` that joins at `keep`.
 */
function branchy(): GraphFile {
  return graph(
    ['src', 'notes', 'ask', 'audit', 'extra', 'keep', 'report', 'out'],
    [
      ['src', 'ask'],
      ['ask', 'keep'],
      ['keep', 'out'],
      ['ask', 'audit'],
      ['audit', 'report'],
      ['extra', 'keep'],
    ],
  );
}

describe('topologicalOrder', () => {
  it('keeps file order among nodes without edges', () => {
    const g = graph(['zeta', 'alpha', 'mid', 'beta'], []);
    expect(topologicalOrder(g, all(g))).toEqual(['zeta', 'alpha', 'mid', 'beta']);
  });

  it('puts every node after its upstream nodes, whatever the file order', () => {
    const g = graph(['out', 'keep', 'ask', 'src'], [['src', 'ask'], ['ask', 'keep'], ['keep', 'out']]);
    expect(topologicalOrder(g, all(g))).toEqual(['src', 'ask', 'keep', 'out']);
    const order = topologicalOrder(branchy(), all(branchy()));
    expect(order).toHaveLength(8);
    for (const edge of branchy().edges) expect(order.indexOf(edge.from.node)).toBeLessThan(order.indexOf(edge.to.node));
  });

  it('keeps file order among independent sources and among independent siblings', () => {
    // c, a, b are independent sources; y and x are independent children of the same node
    const g = graph(['c', 'a', 'b', 'y', 'x'], [['a', 'y'], ['a', 'x']]);
    const order = topologicalOrder(g, all(g));
    expect(order.filter((id) => ['c', 'a', 'b'].includes(id))).toEqual(['c', 'a', 'b']);
    expect(order.filter((id) => ['y', 'x'].includes(id))).toEqual(['y', 'x']);
  });

  it('runs a file that is already in dependency order in file order', () => {
    const g = graph(['a', 'b', 'c', 'd'], [['a', 'b'], ['c', 'd']]);
    expect(topologicalOrder(g, all(g))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('orders only the given nodes and ignores edges leaving them', () => {
    const g = branchy();
    expect(topologicalOrder(g, new Set(['out', 'keep', 'src']))).toEqual(['src', 'keep', 'out']);
  });
});

describe('findCycle', () => {
  it('returns a closed path for a cycle and undefined for an acyclic graph', () => {
    expect(findCycle(branchy())).toBeUndefined();
    expect(findCycle(graph(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'b']]))).toEqual(['b', 'c', 'd', 'b']);
    expect(findCycle(graph(['a'], [['a', 'a']]))).toEqual(['a', 'a']);
  });
});

describe('planRun', () => {
  it('runs the whole graph upstream first without options', () => {
    const plan = planRun(pipelineGraph('in.jsonl', 'out.jsonl'), {});
    expect(plan.order).toEqual(['src', 'ask', 'keep', 'out']);
    expect([...plan.cacheOnly]).toEqual([]);
  });

  /** The plan's nodes (in an order where every node comes after its upstream nodes) and its cache-only nodes. */
  function selection(g: GraphFile, options: { until?: string; from?: string }) {
    const plan = planRun(g, options);
    expect(new Set(plan.order).size).toBe(plan.order.length);
    for (const edge of g.edges) {
      const [from, to] = [plan.order.indexOf(edge.from.node), plan.order.indexOf(edge.to.node)];
      if (from >= 0 && to >= 0) expect(from).toBeLessThan(to);
    }
    for (const id of plan.cacheOnly) expect(plan.order).toContain(id);
    return { nodes: [...plan.order].sort(), cacheOnly: [...plan.cacheOnly].sort() };
  }

  it('--until selects the node and its ancestors only', () => {
    const g = branchy();
    expect(selection(g, { until: 'keep' })).toEqual({ nodes: ['ask', 'extra', 'keep', 'src'], cacheOnly: [] });
    expect(selection(g, { until: 'report' })).toEqual({ nodes: ['ask', 'audit', 'report', 'src'], cacheOnly: [] });
    expect(selection(g, { until: 'src' })).toEqual({ nodes: ['src'], cacheOnly: [] });
    expect(planRun(g, { until: 'notes' })).toEqual({ order: ['notes'], cacheOnly: new Set() });
  });

  it('--from runs the node and its descendants and reads their other upstream nodes from the cache', () => {
    const g = branchy();
    expect(selection(g, { from: 'keep' })).toEqual({ nodes: ['ask', 'extra', 'keep', 'out', 'src'], cacheOnly: ['ask', 'extra', 'src'] });
    expect(selection(g, { from: 'ask' })).toEqual({
      nodes: ['ask', 'audit', 'extra', 'keep', 'out', 'report', 'src'],
      cacheOnly: ['extra', 'src'],
    });
    expect(selection(g, { from: 'src' })).toEqual({
      nodes: ['ask', 'audit', 'extra', 'keep', 'out', 'report', 'src'],
      cacheOnly: ['extra'],
    });
    expect(selection(g, { from: 'out' })).toEqual({ nodes: ['ask', 'extra', 'keep', 'out', 'src'], cacheOnly: ['ask', 'extra', 'keep', 'src'] });
    expect(planRun(g, { from: 'notes' })).toEqual({ order: ['notes'], cacheOnly: new Set() });
  });

  it('--from with --until runs the part between them', () => {
    const g = branchy();
    expect(selection(g, { from: 'ask', until: 'keep' })).toEqual({ nodes: ['ask', 'extra', 'keep', 'src'], cacheOnly: ['extra', 'src'] });
    expect(planRun(g, { from: 'ask', until: 'ask' })).toEqual({ order: ['src', 'ask'], cacheOnly: new Set(['src']) });
  });

  it('refuses an unknown node id, naming the flag', () => {
    const g = branchy();
    expect(() => planRun(g, { until: 'nope' })).toThrow(RangeError);
    expect(() => planRun(g, { until: 'nope' })).toThrow('--until: the graph has no node "nope"');
    expect(() => planRun(g, { from: 'ghost' })).toThrow(RangeError);
    expect(() => planRun(g, { from: 'ghost' })).toThrow('--from: the graph has no node "ghost"');
    expect(() => planRun(g, { until: 'keep', from: 'ghost' })).toThrow(/^--from: /);
  });
});
