import { GRAPH_FORMAT, GRAPH_FORMAT_VERSION, type GraphFile, type GraphGroup } from '../../main/graph/format.ts';
import type { FlowEdge, FlowNode, GraphDoc } from './flow-types.ts';

/** Splits `value` into the keys this editor edits and the rest, which it keeps untouched. */
function split<K extends string>(value: Record<string, unknown>, known: readonly K[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!(known as readonly string[]).includes(key)) extra[key] = item;
  }
  return extra;
}

const GRAPH_KEYS = ['format', 'version', 'name', 'description', 'settings', 'groups', 'nodes', 'edges'] as const;
const NODE_KEYS = ['id', 'type', 'typeVersion', 'position', 'label', 'notes', 'host', 'config'] as const;
const EDGE_KEYS = ['id', 'from', 'to'] as const;

/** A parsed graph file as canvas state. Unknown node types and unknown keys are kept as they are. */
export function graphToDoc(graph: GraphFile): GraphDoc {
  return {
    meta: {
      name: graph.name,
      ...(graph.description !== undefined ? { description: graph.description } : {}),
      ...(graph.settings !== undefined ? { settings: graph.settings } : {}),
      ...(graph.groups !== undefined ? { groups: graph.groups } : {}),
      extra: split(graph, GRAPH_KEYS),
    },
    nodes: graph.nodes.map(
      (node): FlowNode => ({
        id: node.id,
        type: 'graph',
        position: { x: node.position.x, y: node.position.y },
        data: {
          type: node.type,
          typeVersion: node.typeVersion,
          config: node.config,
          ...(node.label !== undefined ? { label: node.label } : {}),
          ...(node.notes !== undefined ? { notes: node.notes } : {}),
          ...(node.host !== undefined ? { host: node.host } : {}),
          extra: split(node, NODE_KEYS),
        },
      }),
    ),
    edges: graph.edges.map(
      (edge): FlowEdge => ({
        id: edge.id,
        source: edge.from.node,
        sourceHandle: edge.from.port,
        target: edge.to.node,
        targetHandle: edge.to.port,
        data: { extra: split(edge, EDGE_KEYS) },
      }),
    ),
  };
}

/** The groups with only members that are still nodes; a group left empty is dropped. */
function liveGroups(groups: readonly GraphGroup[], nodes: readonly FlowNode[]): GraphGroup[] {
  const ids = new Set(nodes.map((n) => n.id));
  return groups.map((g) => ({ ...g, nodes: g.nodes.filter((id) => ids.has(id)) })).filter((g) => g.nodes.length > 0);
}

/** Canvas state as a graph file (selection, sizes and other view state are not saved). */
export function docToGraph(doc: GraphDoc): GraphFile {
  const { meta } = doc;
  const groups = meta.groups && liveGroups(meta.groups, doc.nodes);
  return {
    ...meta.extra,
    format: GRAPH_FORMAT,
    version: GRAPH_FORMAT_VERSION,
    name: meta.name,
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    ...(meta.settings !== undefined ? { settings: meta.settings } : {}),
    ...(groups?.length ? { groups } : {}),
    nodes: doc.nodes.map(({ id, position, data }) => ({
      ...data.extra,
      id,
      type: data.type,
      typeVersion: data.typeVersion,
      position: { x: position.x, y: position.y },
      ...(data.label ? { label: data.label } : {}),
      ...(data.notes ? { notes: data.notes } : {}),
      ...(data.host ? { host: data.host } : {}),
      config: data.config,
    })),
    edges: doc.edges.map((edge) => ({
      ...(edge.data?.extra ?? {}),
      id: edge.id,
      from: { node: edge.source, port: edge.sourceHandle ?? '' },
      to: { node: edge.target, port: edge.targetHandle ?? '' },
    })),
  };
}
