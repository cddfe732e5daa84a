import { describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { graphFileText } from '../../main/graph/canonical.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { indexCatalog } from '../../renderer/store/catalog-index.ts';
import { docToGraph, graphToDoc } from '../../renderer/store/convert.ts';
import { createEditorStore, type EditorStore } from '../../renderer/store/graph-store.ts';

const catalog = indexCatalog(new NodeCatalog(nodeDefinitions).describe());

function emptyStore(): EditorStore {
  return createEditorStore(catalog, { meta: { name: 'test', extra: {} }, nodes: [], edges: [] });
}

function chain(store: EditorStore) {
  const { addNode, connect } = store.getState();
  const src = addNode('core.jsonl-source', { x: 0, y: 0 });
  const ask = addNode('core.llm-map', { x: 300, y: 0 });
  const out = addNode('core.export', { x: 600, y: 0 });
  expect(connect({ source: src, sourceHandle: 'items', target: ask, targetHandle: 'items' })).toEqual({ ok: true });
  expect(connect({ source: ask, sourceHandle: 'items', target: out, targetHandle: 'items' })).toEqual({ ok: true });
  return { src, ask, out };
}

const ids = (store: EditorStore) => store.getState().nodes.map((n) => n.id);
const edgePairs = (store: EditorStore) => store.getState().edges.map((e) => `${e.source}.${e.sourceHandle}>${e.target}.${e.targetHandle}`);

describe('editor store', () => {
  it('edits the graph video budget as the saved file’s settings, undoably, dropping empty values', () => {
    const store = emptyStore();
    store.getState().setVideoBudget('maxFrames', 64);
    store.getState().setVideoBudget('fps', 1);
    expect(docToGraph(store.getState()).settings).toEqual({ video: { maxFrames: 64, fps: 1 } });
    store.getState().setVideoBudget('maxFrames', undefined);
    expect(docToGraph(store.getState()).settings).toEqual({ video: { fps: 1 } });
    store.temporal.getState().undo();
    expect(docToGraph(store.getState()).settings).toEqual({ video: { maxFrames: 64, fps: 1 } });
    store.getState().setVideoBudget('maxFrames', undefined);
    store.getState().setVideoBudget('fps', undefined);
    expect(docToGraph(store.getState())).not.toHaveProperty('settings');
    // A loaded file's settings survive the round trip.
    const file = { ...docToGraph(store.getState()), settings: { video: { maxPixels: 50176 } } };
    expect(docToGraph(graphToDoc(file)).settings).toEqual({ video: { maxPixels: 50176 } });
  });

  it('adds nodes with readable ids, the catalog version and an empty config, selecting the new one', () => {
    const store = emptyStore();
    const a = store.getState().addNode('core.llm-map', { x: 10.4, y: 20.6 });
    const b = store.getState().addNode('core.llm-map', { x: 0, y: 0 });
    expect([a, b]).toEqual(['llm-map-1', 'llm-map-2']);
    const [first, second] = store.getState().nodes;
    expect(first).toMatchObject({ position: { x: 10, y: 21 }, selected: false, data: { type: 'core.llm-map', typeVersion: 1, config: {} } });
    expect(second!.selected).toBe(true);
    expect(() => store.getState().addNode('nope.node', { x: 0, y: 0 })).toThrow(/unknown node type/);
  });

  it('moves nodes and keeps a whole drag as one undo step', () => {
    const store = emptyStore();
    const id = store.getState().addNode('core.export', { x: 0, y: 0 });
    store.getState().beginGesture();
    for (let x = 1; x <= 10; x++) store.getState().applyNodeChanges([{ type: 'position', id, position: { x: x * 10, y: 0 }, dragging: true }]);
    store.getState().endGesture();
    expect(store.getState().nodes[0]!.position).toEqual({ x: 100, y: 0 });
    store.temporal.getState().undo();
    expect(store.getState().nodes[0]!.position).toEqual({ x: 0, y: 0 });
    store.temporal.getState().redo();
    expect(store.getState().nodes[0]!.position).toEqual({ x: 100, y: 0 });
  });

  it('does not record selection or measured sizes as edits', () => {
    const store = emptyStore();
    const id = store.getState().addNode('core.export', { x: 0, y: 0 });
    const before = store.temporal.getState().pastStates.length;
    store.getState().applyNodeChanges([{ type: 'select', id, selected: false }]);
    store.getState().applyNodeChanges([{ type: 'dimensions', id, dimensions: { width: 200, height: 80 } }]);
    store.getState().selectOnly([id]);
    expect(store.temporal.getState().pastStates.length).toBe(before);
  });

  it('deletes the selection with its edges as one step, and undo brings both back', () => {
    const store = emptyStore();
    const { ask } = chain(store);
    store.getState().selectOnly([ask]);
    store.getState().deleteSelection();
    expect(ids(store)).toEqual(['jsonl-source-1', 'export-1']);
    expect(store.getState().edges).toEqual([]);
    store.temporal.getState().undo();
    expect(ids(store)).toEqual(['jsonl-source-1', 'llm-map-1', 'export-1']);
    expect(edgePairs(store)).toEqual(['jsonl-source-1.items>llm-map-1.items', 'llm-map-1.items>export-1.items']);
  });

  it('deletes selected edges alone', () => {
    const store = emptyStore();
    chain(store);
    store.getState().selectOnly([]);
    const edge = store.getState().edges[0]!;
    store.getState().applyEdgeChanges([{ type: 'select', id: edge.id, selected: true }]);
    store.getState().deleteSelection();
    expect(ids(store)).toHaveLength(3);
    expect(edgePairs(store)).toEqual(['llm-map-1.items>export-1.items']);
  });

  it('duplicates the selection with new ids, its inner edges and its config', () => {
    const store = emptyStore();
    const { src, ask } = chain(store);
    store.getState().setConfigValue(ask, 'prompt', 'Hi {{name}}');
    store.getState().selectOnly([src, ask]);
    store.getState().duplicateSelection();
    expect(ids(store)).toEqual(['jsonl-source-1', 'llm-map-1', 'export-1', 'jsonl-source-2', 'llm-map-2']);
    const copy = store.getState().nodes.find((n) => n.id === 'llm-map-2')!;
    expect(copy.data.config).toEqual({ prompt: 'Hi {{name}}' });
    expect(copy.position).toEqual({ x: 340, y: 150 });
    expect(store.getState().nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['jsonl-source-2', 'llm-map-2']);
    expect(edgePairs(store)).toContain('jsonl-source-2.items>llm-map-2.items');
    expect(edgePairs(store)).toHaveLength(3);
  });

  it('pastes a copied fragment twice without id clashes', () => {
    const store = emptyStore();
    const { src } = chain(store);
    store.getState().selectOnly([src]);
    const fragment = store.getState().copySelection()!;
    store.getState().paste(fragment);
    store.getState().paste(fragment);
    expect(ids(store).filter((id) => id.startsWith('jsonl-source'))).toEqual(['jsonl-source-1', 'jsonl-source-2', 'jsonl-source-3']);
  });

  it('places every paste and duplicate clear of the original and of earlier pastes', () => {
    const store = emptyStore();
    const { src, ask } = chain(store);
    store.getState().selectOnly([src, ask]);
    const fragment = store.getState().copySelection()!;
    store.getState().paste(fragment);
    store.getState().paste(fragment);
    store.getState().selectOnly(['llm-map-1']);
    store.getState().duplicateSelection();
    const boxes = store.getState().nodes.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, w: 220, h: 110 }));
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
    expect(ids(store)).toHaveLength(8);
  });

  it('edits config fields, labels and notes, and removing a field restores the default', () => {
    const store = emptyStore();
    const id = store.getState().addNode('core.llm-map', { x: 0, y: 0 });
    store.getState().setConfigValue(id, 'temperature', 0.7);
    store.getState().setNodeText(id, 'label', 'Ask');
    store.getState().setNodeText(id, 'notes', 'first pass');
    expect(store.getState().nodes[0]!.data).toMatchObject({ config: { temperature: 0.7 }, label: 'Ask', notes: 'first pass' });
    store.getState().setConfigValue(id, 'temperature', undefined);
    store.getState().setNodeText(id, 'label', '  ');
    expect(store.getState().nodes[0]!.data.config).toEqual({});
    expect(store.getState().nodes[0]!.data.label).toBeUndefined();
    store.temporal.getState().undo();
    store.temporal.getState().undo();
    expect(store.getState().nodes[0]!.data).toMatchObject({ config: { temperature: 0.7 }, label: 'Ask' });
  });
});

describe('connections', () => {
  it('refuses a data type the input does not take, with a reason', () => {
    const store = emptyStore();
    const filter = store.getState().addNode('core.filter', { x: 0, y: 0 });
    const ask = store.getState().addNode('core.llm-map', { x: 300, y: 0 });
    const check = store.getState().connect({ source: filter, sourceHandle: 'kept', target: ask, targetHandle: 'items' });
    expect(check).toEqual({ ok: false, reason: 'Input "items" of LLM map takes Record, but output "kept" of Filter gives Any.' });
    expect(store.getState().edges).toEqual([]);
  });

  it('follows sameTypeAs: a filter fed with records gives records', () => {
    const store = emptyStore();
    const src = store.getState().addNode('core.jsonl-source', { x: 0, y: 0 });
    const filter = store.getState().addNode('core.filter', { x: 0, y: 0 });
    const ask = store.getState().addNode('core.llm-map', { x: 0, y: 0 });
    expect(store.getState().connect({ source: src, sourceHandle: 'items', target: filter, targetHandle: 'items' }).ok).toBe(true);
    expect(store.getState().connect({ source: filter, sourceHandle: 'kept', target: ask, targetHandle: 'items' }).ok).toBe(true);
  });

  it('gives a single input one edge', () => {
    const store = emptyStore();
    const { ask } = chain(store);
    const other = store.getState().addNode('core.jsonl-source', { x: 0, y: 0 });
    const check = store.getState().connect({ source: other, sourceHandle: 'items', target: ask, targetHandle: 'items' });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(/takes one edge and is already connected to jsonl-source-1.items/);
    expect(store.getState().edges).toHaveLength(2);
  });

  it('refuses cycles and self-loops', () => {
    const store = emptyStore();
    const a = store.getState().addNode('core.filter', { x: 0, y: 0 });
    const b = store.getState().addNode('core.filter', { x: 0, y: 0 });
    const c = store.getState().addNode('core.filter', { x: 0, y: 0 });
    expect(store.getState().connect({ source: a, sourceHandle: 'kept', target: b, targetHandle: 'items' }).ok).toBe(true);
    expect(store.getState().connect({ source: b, sourceHandle: 'kept', target: c, targetHandle: 'items' }).ok).toBe(true);
    expect(store.getState().connect({ source: c, sourceHandle: 'dropped', target: a, targetHandle: 'items' })).toEqual({
      ok: false,
      reason: 'That would make a cycle: filter-1 → filter-2 → filter-3 → filter-1.',
    });
    expect(store.getState().connect({ source: a, sourceHandle: 'dropped', target: a, targetHandle: 'items' })).toEqual({
      ok: false,
      reason: 'A node cannot be connected to itself.',
    });
  });

  it('refuses unknown ports and new edges on unknown node types', () => {
    const store = emptyStore();
    const src = store.getState().addNode('core.jsonl-source', { x: 0, y: 0 });
    const ask = store.getState().addNode('core.llm-map', { x: 0, y: 0 });
    expect(store.getState().connect({ source: src, sourceHandle: 'nope', target: ask, targetHandle: 'items' }).ok).toBe(false);
    const doc = graphToDoc(unknownGraph());
    store.getState().load(doc);
    const check = store.getState().connect({ source: 'mystery', sourceHandle: 'out', target: 'ask', targetHandle: 'items' });
    expect(!check.ok && check.reason).toMatch(/"mystery" has a node type that is not installed/);
  });
});

function unknownGraph(): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'with unknown',
    description: 'kept',
    futureTopLevel: { a: 1 },
    nodes: [
      { id: 'mystery', type: 'plugin.mystery', typeVersion: 3, position: { x: 0, y: 0 }, config: { secretSauce: [1, 2] }, pinned: true },
      {
        id: 'ask',
        type: 'core.llm-map',
        typeVersion: 1,
        label: 'Ask',
        notes: 'note',
        position: { x: 200, y: 40 },
        config: { provider: 'p', prompt: 'Hi {{x}}' },
      },
    ],
    edges: [{ id: 'e1', from: { node: 'mystery', port: 'out' }, to: { node: 'ask', port: 'items' }, style: 'dashed' }],
  };
}

describe('graph file ↔ canvas state', () => {
  it('round-trips config, unknown nodes, unknown keys and edges', () => {
    const graph = unknownGraph();
    const doc = graphToDoc(graph);
    expect(doc.nodes[0]).toMatchObject({ id: 'mystery', type: 'graph', data: { type: 'plugin.mystery', extra: { pinned: true } } });
    expect(doc.edges[0]).toMatchObject({ source: 'mystery', sourceHandle: 'out', target: 'ask', targetHandle: 'items' });
    expect(graphFileText(docToGraph(doc))).toBe(graphFileText(graph));
  });

  it('round-trips through the store, undo history aside', () => {
    const store = emptyStore();
    store.getState().load(graphToDoc(unknownGraph()));
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    store.getState().selectOnly(['ask']);
    store.getState().applyNodeChanges([{ type: 'dimensions', id: 'ask', dimensions: { width: 220, height: 90 } }]);
    expect(graphFileText(docToGraph(store.getState()))).toBe(graphFileText(unknownGraph()));
  });
});
