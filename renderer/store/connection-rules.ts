/**
 * Which connections the editor accepts: the renderer's mirror of the edge checks in `main/engine/validate.ts`
 * (assignable data types with `accepts`, pass-through `sameTypeAs` outputs, one edge per single input, no cycles),
 * so a wrong edge is refused while drawing instead of failing validation later.
 */
import type { NodeTypeInfo } from '../../main/api/contract.ts';
import type { CatalogIndex } from './catalog-index.ts';
import type { FlowEdge, PortConnection } from './flow-types.ts';

const ANY = 'Any';

/** What the rules read of a graph: node ids and types, and the edges. */
interface Topology {
  nodes: readonly { id: string; data: { type: string; label?: string } }[];
  edges: readonly FlowEdge[];
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

/** Whether items of data type `from` may flow into a port of data type `to`. */
export function isAssignable(index: CatalogIndex, from: string, to: string): boolean {
  if (to === ANY || from === to) return true;
  return index.dataTypes.get(to)?.accepts.includes(from) ?? false;
}

function nodeTypeOf(graph: Topology, index: CatalogIndex, nodeId: string): NodeTypeInfo | undefined {
  const node = graph.nodes.find((n) => n.id === nodeId);
  return node && index.nodeTypes.get(node.data.type);
}

/** The data type an output carries; a `sameTypeAs` output carries what arrives at its input. */
export function outputDataType(
  graph: Topology,
  index: CatalogIndex,
  nodeId: string,
  port: string,
  visited: Set<string> = new Set(),
): string | undefined {
  const spec = nodeTypeOf(graph, index, nodeId)?.outputs.find((p) => p.name === port);
  const slot = `${nodeId}\u0000${port}`;
  if (!spec?.sameTypeAs || visited.has(slot)) return spec?.dataType;
  visited.add(slot);
  const feeding = graph.edges.find((e) => e.target === nodeId && e.targetHandle === spec.sameTypeAs);
  return (feeding && outputDataType(graph, index, feeding.source, feeding.sourceHandle ?? '', visited)) ?? spec.dataType;
}

/** A path of node ids from `from` to `to` along the edges, if there is one. */
function pathBetween(graph: Topology, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (current === to) {
      const path = [to];
      while (path[0] !== from) path.unshift(previous.get(path[0]!)!);
      return path;
    }
    for (const edge of graph.edges) {
      if (edge.source === current && !previous.has(edge.target)) {
        previous.set(edge.target, current);
        queue.push(edge.target);
      }
    }
  }
  return undefined;
}

function titleOf(graph: Topology, index: CatalogIndex, nodeId: string): string {
  const node = graph.nodes.find((n) => n.id === nodeId);
  return node?.data.label || index.nodeTypes.get(node?.data.type ?? '')?.title || nodeId;
}

/** Whether `connection` may be added to the graph, and if not, why (a sentence for the user). */
export function checkConnection(graph: Topology, index: CatalogIndex, connection: PortConnection): ConnectionCheck {
  const { source, sourceHandle, target, targetHandle } = connection;
  if (source === target) return { ok: false, reason: 'A node cannot be connected to itself.' };
  const sourceType = nodeTypeOf(graph, index, source);
  const targetType = nodeTypeOf(graph, index, target);
  if (!sourceType || !targetType) {
    const missing = sourceType ? target : source;
    return { ok: false, reason: `"${missing}" has a node type that is not installed; it keeps its edges but takes no new ones.` };
  }
  if (!sourceType.outputs.some((p) => p.name === sourceHandle)) {
    return { ok: false, reason: `${sourceType.title} has no output "${sourceHandle}".` };
  }
  const input = targetType.inputs.find((p) => p.name === targetHandle);
  if (!input) return { ok: false, reason: `${targetType.title} has no input "${targetHandle}".` };

  const into = graph.edges.filter((e) => e.target === target && e.targetHandle === targetHandle);
  if (into.some((e) => e.source === source && e.sourceHandle === sourceHandle)) {
    return { ok: false, reason: 'These ports are already connected.' };
  }
  const fromType = outputDataType(graph, index, source, sourceHandle);
  if (fromType && !isAssignable(index, fromType, input.dataType)) {
    return {
      ok: false,
      reason: `Input "${targetHandle}" of ${titleOf(graph, index, target)} takes ${input.dataType}, but output "${sourceHandle}" of ${titleOf(graph, index, source)} gives ${fromType}.`,
    };
  }
  if (!input.multiple && into.length > 0) {
    return {
      ok: false,
      reason: `Input "${targetHandle}" of ${titleOf(graph, index, target)} takes one edge and is already connected to ${into[0]!.source}.${into[0]!.sourceHandle}; delete that edge first.`,
    };
  }
  const back = pathBetween(graph, target, source);
  if (back) return { ok: false, reason: `That would make a cycle: ${[...back, target].join(' → ')}.` };
  return { ok: true };
}
