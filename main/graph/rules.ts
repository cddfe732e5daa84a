/**
 * The edge rules of a graph, one module for the engine's validation (`main/engine/validate.ts`) and the editor's
 * connection checks (`renderer/store/connection-rules.ts`): assignable data types with `accepts`, pass-through
 * `sameTypeAs` outputs, one edge per single input, no cycles. Pure and browser-safe; each side words the verdicts.
 */
import type { PortInfo } from '../api/contract.ts';

const ANY = 'Any';

export interface PortRef {
  node: string;
  port: string;
}

export interface EdgeRef {
  from: PortRef;
  to: PortRef;
}

/** What a node type offers the rules: its type id, title and ports (an API `NodeTypeInfo` is one). */
export interface NodePorts {
  type: string;
  title: string;
  inputs: readonly PortInfo[];
  outputs: readonly PortInfo[];
}

/** What the rules read of a graph. */
export interface RuleGraph {
  /** The ports of a node's type; undefined when the node is missing or its type is not installed. */
  ports(nodeId: string): NodePorts | undefined;
  edges: readonly EdgeRef[];
  dataType(id: string): { accepts: readonly string[] } | undefined;
}

/** Why an edge may not be in the graph. */
export type EdgeProblem =
  | { rule: 'self-loop' }
  | { rule: 'not-installed'; nodeId: string }
  | { rule: 'no-output'; ports: NodePorts }
  | { rule: 'no-input'; ports: NodePorts }
  | { rule: 'already-connected' }
  | { rule: 'type-mismatch'; fromType: string; toType: string }
  /** A single input that the `taken` edges already feed. */
  | { rule: 'single-input-taken'; taken: readonly EdgeRef[] }
  /** The node ids from the edge's target back to its source. */
  | { rule: 'cycle'; path: string[] };

/** Whether items of data type `from` may flow into a port of data type `to`. */
export function isAssignable(graph: Pick<RuleGraph, 'dataType'>, from: string, to: string): boolean {
  if (to === ANY || from === to) return true;
  return graph.dataType(to)?.accepts.includes(from) ?? false;
}

const slot = ({ node, port }: PortRef) => `${node}\u0000${port}`;

/** The data type an output carries; a `sameTypeAs` output carries what arrives at its input. */
export function outputDataType(graph: RuleGraph, nodeId: string, port: string, visited = new Set<string>()): string | undefined {
  const spec = graph.ports(nodeId)?.outputs.find((p) => p.name === port);
  const here = slot({ node: nodeId, port });
  if (!spec?.sameTypeAs || visited.has(here)) return spec?.dataType;
  visited.add(here);
  const feeding = graph.edges.find((e) => e.to.node === nodeId && e.to.port === spec.sameTypeAs);
  return (feeding && outputDataType(graph, feeding.from.node, feeding.from.port, visited)) ?? spec.dataType;
}

/**
 * The problems of an edge between installed nodes, given the `others` edges already in the graph: ports that do not
 * exist, a data type the input does not take, a second edge into a single input.
 */
export function edgeProblems(graph: RuleGraph, edge: EdgeRef, others: readonly EdgeRef[]): EdgeProblem[] {
  const source = graph.ports(edge.from.node);
  const target = graph.ports(edge.to.node);
  const problems: EdgeProblem[] = [];
  const output = source?.outputs.find((p) => p.name === edge.from.port);
  const input = target?.inputs.find((p) => p.name === edge.to.port);
  if (source && !output) problems.push({ rule: 'no-output', ports: source });
  if (target && !input) problems.push({ rule: 'no-input', ports: target });
  if (!output || !input) return problems;
  const fromType = outputDataType(graph, edge.from.node, edge.from.port);
  if (fromType && !isAssignable(graph, fromType, input.dataType)) {
    problems.push({ rule: 'type-mismatch', fromType, toType: input.dataType });
  }
  const taken = others.filter((e) => slot(e.to) === slot(edge.to));
  if (!input.multiple && taken.length > 0) problems.push({ rule: 'single-input-taken', taken });
  return problems;
}

/** A path of node ids from `from` to `to` along the edges, if there is one. */
function pathBetween(edges: readonly EdgeRef[], from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  for (const queue = [from]; queue.length > 0; ) {
    const current = queue.shift()!;
    if (current === to) {
      const path = [to];
      while (path[0] !== from) path.unshift(previous.get(path[0]!)!);
      return path;
    }
    for (const edge of edges) {
      if (edge.from.node === current && !previous.has(edge.to.node)) {
        previous.set(edge.to.node, current);
        queue.push(edge.to.node);
      }
    }
  }
  return undefined;
}

/** Why `edge` may not be added to the graph, or undefined when it may. */
export function newEdgeProblem(graph: RuleGraph, edge: EdgeRef): EdgeProblem | undefined {
  if (edge.from.node === edge.to.node) return { rule: 'self-loop' };
  for (const nodeId of [edge.from.node, edge.to.node]) {
    if (!graph.ports(nodeId)) return { rule: 'not-installed', nodeId };
  }
  const same = (e: EdgeRef) => slot(e.from) === slot(edge.from) && slot(e.to) === slot(edge.to);
  const problems = edgeProblems(graph, edge, graph.edges);
  const portProblem = problems.find((p) => p.rule === 'no-output' || p.rule === 'no-input');
  if (portProblem) return portProblem;
  if (graph.edges.some(same)) return { rule: 'already-connected' };
  if (problems[0]) return problems[0];
  const back = pathBetween(graph.edges, edge.to.node, edge.from.node);
  return back && { rule: 'cycle', path: back };
}
