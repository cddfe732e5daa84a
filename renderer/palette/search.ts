import type { NodeTypeInfo } from '../../main/api/contract.ts';

/** Node types whose title, type id, category or description contain every word of `query`, titles first. */
export function searchNodeTypes(nodes: readonly NodeTypeInfo[], query: string): NodeTypeInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = nodes.filter((n) => {
    const text = `${n.title} ${n.type} ${n.category} ${n.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const inTitle = (n: NodeTypeInfo) => (words.every((w) => n.title.toLowerCase().includes(w)) ? 0 : 1);
  return matches.sort((a, b) => inTitle(a) - inTitle(b) || a.category.localeCompare(b.category) || a.title.localeCompare(b.title));
}

export function byCategory(nodes: readonly NodeTypeInfo[]): [string, NodeTypeInfo[]][] {
  const groups = new Map<string, NodeTypeInfo[]>();
  for (const node of nodes) groups.set(node.category, [...(groups.get(node.category) ?? []), node]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The drag-and-drop payload type of a palette item. */
export const NODE_TYPE_MIME = 'application/x-rewatch-node-type';
