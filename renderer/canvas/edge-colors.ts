import { useMemo } from 'react';
import { useServices } from '../app/services.tsx';
import { dataTypeColor } from '../store/catalog-index.ts';
import { outputDataType } from '../store/connection-rules.ts';
import type { FlowEdge, FlowNode } from '../store/flow-types.ts';

/** The nodes' ids and types, as a value that changes only when those do (not when nodes move or get selected). */
function useNodeTypes(nodes: readonly FlowNode[]) {
  const key = nodes.map((n) => `${n.id}\u0000${n.data.type}`).join('\u0001');
  // `key` stands for exactly what is read from `nodes`.
  return useMemo(() => nodes.map((n) => ({ id: n.id, data: { type: n.data.type } })), [key]);
}

/** The edges coloured by the data type they carry, recomputed only when the edges or node types change. */
export function useColouredEdges(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): FlowEdge[] {
  const { catalog } = useServices();
  const nodeTypes = useNodeTypes(nodes);
  return useMemo(() => {
    const topology = { nodes: nodeTypes, edges };
    return edges.map((edge) => {
      const color = dataTypeColor(catalog, outputDataType(topology, catalog, edge.source, edge.sourceHandle ?? ''));
      return { ...edge, style: { stroke: color, strokeWidth: edge.selected ? 3 : 2 } };
    });
  }, [edges, nodeTypes, catalog]);
}
