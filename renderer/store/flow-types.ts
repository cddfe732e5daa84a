import type { Edge, Node } from '@xyflow/react';
import type { GraphGroup, GraphSettings } from '../../main/graph/format.ts';

/** A graph node as the canvas holds it: the file's node fields, with `id` and `position` on the xyflow node. */
export interface GraphNodeData extends Record<string, unknown> {
  type: string;
  typeVersion: number;
  config: Record<string, unknown>;
  label?: string;
  notes?: string;
  host?: string;
  /** Keys of the file's node object that this editor does not know: saved back unchanged. */
  extra: Record<string, unknown>;
}

interface GraphEdgeData extends Record<string, unknown> {
  extra: Record<string, unknown>;
}

export type FlowNode = Node<GraphNodeData, 'graph'>;
/** `sourceHandle` / `targetHandle` are the port names. */
export type FlowEdge = Edge<GraphEdgeData>;

export interface GraphMeta {
  name: string;
  description?: string;
  settings?: GraphSettings;
  /** Stages framed on the canvas; members that are no longer nodes are dropped when the graph is saved. */
  groups?: GraphGroup[];
  extra: Record<string, unknown>;
}

/** The editable document: everything that is saved, and what undo/redo restores. */
export interface GraphDoc {
  meta: GraphMeta;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface PortConnection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}
