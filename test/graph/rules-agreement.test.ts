import { describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { validateGraph } from '../../main/engine/validate.ts';
import type { GraphEdge, GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { indexCatalog } from '../../renderer/store/catalog-index.ts';
import { checkConnection } from '../../renderer/store/connection-rules.ts';
import { graphToDoc } from '../../renderer/store/convert.ts';

const catalog = new NodeCatalog(nodeDefinitions);
const context = { catalog, providers: new Set(['p']), hosts: new Set(['local']) };
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, typeVersion: catalog.get(type)!.version, position: { x: 0, y: 0 }, config });
const edge = (id: string, from: string, to: string): GraphEdge => {
  const [fromNode, fromPort] = from.split('.') as [string, string];
  const [toNode, toPort] = to.split('.') as [string, string];
  return { id, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
};

// src → ask → f1 → f2; `lone` is an unfed filter (its outputs carry Any); `src2` a second source.
const base: GraphFile = {
  format: 'rewatch-studio/graph',
  version: 1,
  name: 'rules',
  nodes: [
    node('src', 'core.jsonl-source', { path: 'a.jsonl' }),
    node('src2', 'core.jsonl-source', { path: 'b.jsonl' }),
    node('ask', 'core.llm-map', { provider: 'p', prompt: 'Hi {{x}}' }),
    node('f1', 'core.filter'),
    node('f2', 'core.filter'),
    node('lone', 'core.filter'),
    node('out', 'core.export', { path: 'out.jsonl' }),
  ],
  edges: [edge('e1', 'src.items', 'ask.items'), edge('e2', 'ask.items', 'f1.items'), edge('e3', 'f1.kept', 'f2.items')],
};

/** Connections and whether the rules allow them; the engine and the editor must both give that verdict. */
const table: [from: string, to: string, accepted: boolean][] = [
  ['f2.kept', 'out.items', true],
  ['src2.items', 'lone.items', true],
  ['f1.dropped', 'lone.items', true],
  ['lone.kept', 'ask.items', false], // Any into Record
  ['src2.items', 'ask.items', false], // a second edge into a single input
  ['f2.kept', 'f1.items', false], // a cycle (and a second edge)
  ['f2.dropped', 'ask.items', false],
  ['src.nope', 'lone.items', false],
  ['src.items', 'lone.nope', false],
  ['lone.kept', 'lone.items', false], // a self-loop
];

/** The engine's verdict: the graph with the edge has a validation error the graph without it does not. */
function engineAccepts(from: string, to: string): boolean {
  const before = new Set(validateGraph(base, context).map((e) => JSON.stringify(e)));
  const withEdge = { ...base, edges: [...base.edges, edge('new', from, to)] };
  const added = validateGraph(withEdge, context)
    .filter((e) => !/^required input/.test(e.message))
    .filter((e) => !before.has(JSON.stringify(e)));
  return added.length === 0;
}

function editorAccepts(from: string, to: string): boolean {
  const [source, sourceHandle] = from.split('.') as [string, string];
  const [target, targetHandle] = to.split('.') as [string, string];
  return checkConnection(graphToDoc(base), indexCatalog(catalog.describe()), { source, sourceHandle, target, targetHandle }).ok;
}

describe('one set of graph rules', () => {
  it.each(table)('%s → %s: engine and editor agree (accepted: %s)', (from, to, accepted) => {
    expect({ engine: engineAccepts(from, to), editor: editorAccepts(from, to) }).toEqual({ engine: accepted, editor: accepted });
  });
});
