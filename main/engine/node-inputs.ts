import type { GraphFile } from '../graph/format.ts';
import type { OutputStore, StoredOutput } from '../store/outputs.ts';
import type { ItemCollection, JoinSpec, NodeDefinition } from '../../nodes/sdk/index.ts';
import { pagedCollection } from '../store/collection.ts';

/** One upstream port feeding an input. */
export interface InputSource {
  nodeId: string;
  port: string;
  output: StoredOutput;
}

/** Input port → its sources in edge order. */
export type NodeInputs = Record<string, InputSource[]>;

/** The finished sources of each input port; an upstream without an output yet (one still streaming) is left out. */
export function inputSources(
  graph: GraphFile,
  nodeId: string,
  definition: NodeDefinition,
  outputOf: (nodeId: string) => StoredOutput | undefined,
): NodeInputs {
  const inputs: NodeInputs = Object.fromEntries(Object.keys(definition.inputs).map((port) => [port, []]));
  for (const edge of graph.edges) {
    if (edge.to.node !== nodeId) continue;
    const output = outputOf(edge.from.node);
    if (output) inputs[edge.to.port]?.push({ nodeId: edge.from.node, port: edge.from.port, output });
  }
  return inputs;
}

/** A map node's side inputs declared `join`, with their specs. */
export function joinedPorts(definition: NodeDefinition): Array<[port: string, join: JoinSpec]> {
  if (definition.mode !== 'map') return [];
  return Object.entries(definition.inputs).flatMap(([port, spec]) => (spec.join && port !== definition.over ? [[port, spec.join]] : []));
}

/** The inputs a map node keys item by item (its mapped input and joined side inputs): they may stream in. */
export function itemPorts(definition: NodeDefinition): string[] {
  return definition.mode === 'map' ? [definition.over, ...joinedPorts(definition).map(([port]) => port)] : [];
}

export function inputHashes(inputs: NodeInputs): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(inputs).map(([port, sources]) => [port, sources.map((s) => s.output.ports[s.port]?.hash ?? '')]),
  );
}

/** The items of an input, several sources read one after the other. */
export function concatCollection<T>(outputs: OutputStore, sources: readonly InputSource[]): ItemCollection<T> {
  const parts = sources.map((s) => outputs.collection<T>(s.output, s.port));
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const page = (offset: number, limit: number): T[] => {
    const items: T[] = [];
    let start = offset;
    for (const part of parts) {
      if (items.length >= limit) break;
      if (start >= part.count) {
        start -= part.count;
        continue;
      }
      items.push(...part.page(start, limit - items.length));
      start = 0;
    }
    return items;
  };
  return pagedCollection(count, page);
}
