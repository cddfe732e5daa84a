import type { FlowEdge, FlowNode, GraphDoc } from './flow-types.ts';
import { nextEdgeId, nextNodeId } from './ids.ts';

/** Copied nodes and the edges between them. */
export interface Fragment {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function copyNodes(doc: GraphDoc, nodeIds: ReadonlySet<string>): Fragment {
  return {
    nodes: doc.nodes.filter((n) => nodeIds.has(n.id)).map((n) => structuredClone({ ...n, selected: false })),
    edges: doc.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target)).map((e) => structuredClone(e)),
  };
}

/**
 * The fragment's nodes and edges with fresh ids, moved by `offset`, selected: ready to add to `doc`.
 * Config, labels, notes and unknown keys are copied as they are.
 */
export function instantiate(fragment: Fragment, doc: GraphDoc, offset: { x: number; y: number }): Fragment {
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const renamed = new Map<string, string>();
  const nodes = fragment.nodes.map((node): FlowNode => {
    const id = nextNodeId(node.data.type, nodeIds);
    nodeIds.add(id);
    renamed.set(node.id, id);
    const { measured: _measured, ...rest } = structuredClone(node);
    return { ...rest, id, selected: true, position: { x: node.position.x + offset.x, y: node.position.y + offset.y } };
  });
  const edges = fragment.edges.map((edge): FlowEdge => {
    const source = renamed.get(edge.source)!;
    const target = renamed.get(edge.target)!;
    const id = nextEdgeId({ node: source, port: edge.sourceHandle ?? '' }, { node: target, port: edge.targetHandle ?? '' }, edgeIds);
    edgeIds.add(id);
    return { ...structuredClone(edge), id, source, target, selected: false };
  });
  return { nodes, edges };
}
