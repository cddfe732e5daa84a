/**
 * Which connections the editor accepts, by the graph rules the engine validates with (`main/graph/rules.ts`), so a
 * wrong edge is refused while drawing instead of failing validation later. This module only words the verdicts.
 */
import { newEdgeProblem, outputDataType as ruleOutputDataType, type EdgeProblem, type RuleGraph } from '../../main/graph/rules.ts';
import type { CatalogIndex } from './catalog-index.ts';
import type { FlowEdge, PortConnection } from './flow-types.ts';

/** What the rules read of a graph: node ids and types, and the edges. */
interface Topology {
  nodes: readonly { id: string; data: { type: string; label?: string } }[];
  edges: readonly FlowEdge[];
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

function ruleGraph(graph: Topology, index: CatalogIndex): RuleGraph {
  const types = new Map(graph.nodes.map((n) => [n.id, n.data.type]));
  return {
    ports: (nodeId) => index.nodeTypes.get(types.get(nodeId) ?? ''),
    edges: graph.edges.map((e) => ({ from: { node: e.source, port: e.sourceHandle ?? '' }, to: { node: e.target, port: e.targetHandle ?? '' } })),
    dataType: (id) => index.dataTypes.get(id),
  };
}

/** The data type an output carries; a `sameTypeAs` output carries what arrives at its input. */
export function outputDataType(graph: Topology, index: CatalogIndex, nodeId: string, port: string): string | undefined {
  return ruleOutputDataType(ruleGraph(graph, index), nodeId, port);
}

function titleOf(graph: Topology, index: CatalogIndex, nodeId: string): string {
  const node = graph.nodes.find((n) => n.id === nodeId);
  return node?.data.label || index.nodeTypes.get(node?.data.type ?? '')?.title || nodeId;
}

function reason(problem: EdgeProblem, graph: Topology, index: CatalogIndex, connection: PortConnection): string {
  const { source, sourceHandle, target, targetHandle } = connection;
  switch (problem.rule) {
    case 'self-loop':
      return 'A node cannot be connected to itself.';
    case 'not-installed':
      return `"${problem.nodeId}" has a node type that is not installed; it keeps its edges but takes no new ones.`;
    case 'no-output':
      return `${problem.ports.title} has no output "${sourceHandle}".`;
    case 'no-input':
      return `${problem.ports.title} has no input "${targetHandle}".`;
    case 'already-connected':
      return 'These ports are already connected.';
    case 'type-mismatch':
      return `Input "${targetHandle}" of ${titleOf(graph, index, target)} takes ${problem.toType}, but output "${sourceHandle}" of ${titleOf(graph, index, source)} gives ${problem.fromType}.`;
    case 'single-input-taken': {
      const { from } = problem.taken[0]!;
      return `Input "${targetHandle}" of ${titleOf(graph, index, target)} takes one edge and is already connected to ${from.node}.${from.port}; delete that edge first.`;
    }
    case 'cycle':
      return `That would make a cycle: ${[...problem.path, target].join(' → ')}.`;
  }
}

/** Whether `connection` may be added to the graph, and if not, why (a sentence for the user). */
export function checkConnection(graph: Topology, index: CatalogIndex, connection: PortConnection): ConnectionCheck {
  const edge = { from: { node: connection.source, port: connection.sourceHandle }, to: { node: connection.target, port: connection.targetHandle } };
  const problem = newEdgeProblem(ruleGraph(graph, index), edge);
  return problem ? { ok: false, reason: reason(problem, graph, index, connection) } : { ok: true };
}
