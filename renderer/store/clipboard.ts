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

/** Size assumed for a node the canvas has not measured. */
const UNMEASURED = { width: 220, height: 110 };
const GAP = 40;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function boxOf(node: FlowNode): Box {
  return { ...node.position, width: node.measured?.width ?? UNMEASURED.width, height: node.measured?.height ?? UNMEASURED.height };
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Where a paste of `fragment` goes: below it (a gap further each time) until none of its nodes touches a node of
 * `doc`, so a paste never hides the original or an earlier paste.
 */
export function clearOffset(fragment: Fragment, doc: GraphDoc): { x: number; y: number } {
  const boxes = fragment.nodes.map(boxOf);
  const top = Math.min(...boxes.map((b) => b.y));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const step = bottom - top + GAP;
  const taken = doc.nodes.map(boxOf);
  const offset = { x: GAP, y: step };
  const hits = () => boxes.some((b) => taken.some((t) => overlaps({ ...b, x: b.x + offset.x, y: b.y + offset.y }, t)));
  while (hits()) offset.y += step;
  return offset;
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
