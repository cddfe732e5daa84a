import type { GraphEdge, GraphFile } from '../graph/format.ts';

/** A cycle as a closed list of node ids (`a → b → a`), or undefined for an acyclic graph. */
export function findCycle(graph: GraphFile): string[] | undefined {
  const next = successors(graph);
  const state = new Map<string, 'open' | 'closed'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to];
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'closed');
    return undefined;
  };
  for (const node of graph.nodes) {
    if (!state.has(node.id)) {
      const found = visit(node.id);
      if (found) return found;
    }
  }
  return undefined;
}

function successors(graph: GraphFile): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const edge of graph.edges) map.set(edge.from.node, [...(map.get(edge.from.node) ?? []), edge.to.node]);
  return map;
}

function predecessors(graph: GraphFile): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const edge of graph.edges) map.set(edge.to.node, [...(map.get(edge.to.node) ?? []), edge.from.node]);
  return map;
}

function reach(start: string, neighbours: Map<string, string[]>): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const next of neighbours.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

interface PlanOptions {
  until?: string;
  from?: string;
}

/** Which nodes a run executes, and which it only reads from the cache. */
export interface RunPlan {
  /** Every node the run touches, upstream first. */
  order: string[];
  /** Nodes whose output must come from the cache (upstream of `from`). */
  cacheOnly: Set<string>;
}

/** Orders the graph upstream-first, keeping file order among nodes that are ready at the same time. Assumes no cycle. */
export function topologicalOrder(graph: GraphFile, nodes: ReadonlySet<string>): string[] {
  const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const indegree = new Map<string, number>([...nodes].map((id) => [id, 0]));
  const inside = (edge: GraphEdge) => nodes.has(edge.from.node) && nodes.has(edge.to.node);
  for (const edge of graph.edges) if (inside(edge)) indegree.set(edge.to.node, indegree.get(edge.to.node)! + 1);
  const next = successors(graph);
  const ready = graph.nodes.map((n) => n.id).filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const to of next.get(id) ?? []) {
      if (!nodes.has(to)) continue;
      const left = indegree.get(to)! - 1;
      indegree.set(to, left);
      if (left === 0) {
        const at = ready.findIndex((other) => position.get(other)! > position.get(to)!);
        ready.splice(at < 0 ? ready.length : at, 0, to);
      }
    }
  }
  return order;
}

export function planRun(graph: GraphFile, options: PlanOptions): RunPlan {
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const [flag, id] of [['until', options.until], ['from', options.from]] as const) {
    if (id !== undefined && !ids.has(id)) throw new RangeError(`--${flag}: the graph has no node "${id}"`);
  }
  let selected = ids;
  let cacheOnly = new Set<string>();
  if (options.until) selected = reach(options.until, predecessors(graph));
  if (options.from) {
    const downstream = reach(options.from, successors(graph));
    const executed = new Set([...downstream].filter((id) => selected.has(id)));
    const before = predecessors(graph);
    const needed = new Set<string>();
    for (const id of executed) for (const up of reach(id, before)) needed.add(up);
    if (executed.size === 0) throw new RangeError(`--from ${options.from} is not upstream of --until ${options.until}`);
    cacheOnly = new Set([...needed].filter((id) => !executed.has(id)));
    selected = needed;
  }
  return { order: topologicalOrder(graph, selected), cacheOnly };
}
