import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import { temporal, type TemporalState } from 'zundo';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GraphSettings } from '../../main/graph/format.ts';
import type { VideoBudgetKey } from '../../nodes/sdk/video-budget.ts';
import type { CatalogIndex } from './catalog-index.ts';
import { clearOffset, copyNodes, instantiate, type Fragment } from './clipboard.ts';
import { checkConnection, type ConnectionCheck } from './connection-rules.ts';
import type { FlowEdge, FlowNode, GraphDoc, GraphMeta, GraphNodeData, PortConnection } from './flow-types.ts';
import { nextEdgeId, nextNodeId } from './ids.ts';

/** A node's optional text fields; an empty value removes the field (no host: the node runs locally). */
type NodeText = 'label' | 'notes' | 'host';

export interface EditorState extends GraphDoc {
  catalog: CatalogIndex;
  /** Counts `load` calls, so the canvas can fit a newly loaded graph in view. */
  loads: number;
  /** Replaces the document and forgets the undo history. */
  load(doc: GraphDoc): void;
  setName(name: string): void;
  /** Sets one value of the graph's video budget; undefined goes back to the default. */
  setVideoBudget(key: VideoBudgetKey, value: number | undefined): void;
  addNode(type: string, position: { x: number; y: number }): string;
  /** Selection, drag positions and measured sizes from the canvas. Removals go through `deleteSelection`. */
  applyNodeChanges(changes: NodeChange<FlowNode>[]): void;
  applyEdgeChanges(changes: EdgeChange<FlowEdge>[]): void;
  /** Adds the edge if the connection is allowed. */
  connect(connection: PortConnection): ConnectionCheck;
  /** Deletes the selected nodes with their edges and the selected edges, as one undo step. */
  deleteSelection(): void;
  copySelection(): Fragment | undefined;
  /** Adds the fragment clear of every node (see `clearOffset`), selected. */
  paste(fragment: Fragment): void;
  duplicateSelection(): void;
  selectOnly(nodeIds: readonly string[]): void;
  /** `undefined` removes the field, so the node type's default applies. */
  setConfigValue(nodeId: string, field: string, value: unknown): void;
  setNodeText(nodeId: string, field: NodeText, value: string): void;
  setPositions(positions: ReadonlyMap<string, { x: number; y: number }>): void;
  /** Starts a gesture (a drag) whose edits become one undo step; `endGesture` closes it. */
  beginGesture(): void;
  endGesture(): void;
}

export type EditorStore = StoreApi<EditorState> & { temporal: StoreApi<TemporalState<GraphDoc>> };

/** Whether two documents are equal for undo: view state (selection, sizes, dragging) does not count. */
function sameDoc(a: GraphDoc, b: GraphDoc): boolean {
  if (a.meta !== b.meta || a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  const nodesEqual = a.nodes.every((n, i) => {
    const m = b.nodes[i]!;
    return n.id === m.id && n.data === m.data && n.position.x === m.position.x && n.position.y === m.position.y;
  });
  return (
    nodesEqual &&
    a.edges.every((e, i) => {
      const f = b.edges[i]!;
      return e.id === f.id && e.source === f.source && e.target === f.target && e.sourceHandle === f.sourceHandle && e.targetHandle === f.targetHandle && e.data === f.data;
    })
  );
}

function updateData(nodes: FlowNode[], nodeId: string, update: (data: GraphNodeData) => GraphNodeData): FlowNode[] {
  return nodes.map((n) => (n.id === nodeId ? { ...n, data: update(n.data) } : n));
}

export function createEditorStore(catalog: CatalogIndex, doc: GraphDoc): EditorStore {
  let gestureStart: GraphDoc | undefined;
  const store: EditorStore = createStore<EditorState>()(
    temporal<EditorState, [], [], GraphDoc>(
      (set, get) => ({
        ...doc,
        catalog,
        loads: 0,
        load(next) {
          set({ meta: next.meta, nodes: next.nodes, edges: next.edges, loads: get().loads + 1 });
          store.temporal.getState().clear();
        },
        setName(name) {
          set({ meta: { ...get().meta, name } });
        },
        setVideoBudget(key, value) {
          const { meta } = get();
          const video = { ...meta.settings?.video, [key]: value };
          if (value === undefined) delete video[key];
          const settings: GraphSettings = { ...meta.settings, video };
          if (Object.keys(video).length === 0) delete settings.video;
          const next: GraphMeta = { ...meta, settings };
          if (Object.keys(settings).length === 0) delete next.settings;
          set({ meta: next });
        },
        addNode(type, position) {
          const info = get().catalog.nodeTypes.get(type);
          if (!info) throw new Error(`unknown node type "${type}"`);
          const id = nextNodeId(type, new Set(get().nodes.map((n) => n.id)));
          const node: FlowNode = {
            id,
            type: 'graph',
            position: { x: Math.round(position.x), y: Math.round(position.y) },
            selected: true,
            data: { type, typeVersion: info.version, config: {}, extra: {} },
          };
          set({ nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] });
          return id;
        },
        applyNodeChanges(changes) {
          set({ nodes: applyNodeChanges(changes.filter((c) => c.type !== 'remove' && c.type !== 'add'), get().nodes) });
        },
        applyEdgeChanges(changes) {
          set({ edges: applyEdgeChanges(changes.filter((c) => c.type !== 'remove' && c.type !== 'add'), get().edges) });
        },
        connect(connection) {
          const check = checkConnection(get(), get().catalog, connection);
          if (!check.ok) return check;
          const { source, sourceHandle, target, targetHandle } = connection;
          const id = nextEdgeId({ node: source, port: sourceHandle }, { node: target, port: targetHandle }, new Set(get().edges.map((e) => e.id)));
          set({ edges: [...get().edges, { id, source, sourceHandle, target, targetHandle, data: { extra: {} } }] });
          return check;
        },
        deleteSelection() {
          const { nodes, edges } = get();
          const gone = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
          const keptEdges = edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
          if (gone.size === 0 && keptEdges.length === edges.length) return;
          set({ nodes: nodes.filter((n) => !gone.has(n.id)), edges: keptEdges });
        },
        copySelection() {
          const selected = new Set(get().nodes.filter((n) => n.selected).map((n) => n.id));
          return selected.size > 0 ? copyNodes(get(), selected) : undefined;
        },
        paste(fragment) {
          const added = instantiate(fragment, get(), clearOffset(fragment, get()));
          set({
            nodes: [...get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added.nodes],
            edges: [...get().edges, ...added.edges],
          });
        },
        duplicateSelection() {
          const fragment = get().copySelection();
          if (fragment) get().paste(fragment);
        },
        selectOnly(nodeIds) {
          const wanted = new Set(nodeIds);
          set({
            nodes: get().nodes.map((n) => (Boolean(n.selected) === wanted.has(n.id) ? n : { ...n, selected: wanted.has(n.id) })),
            edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
          });
        },
        setConfigValue(nodeId, field, value) {
          set({
            nodes: updateData(get().nodes, nodeId, (data) => {
              const { [field]: _previous, ...config } = data.config;
              return { ...data, config: value === undefined ? config : { ...config, [field]: value } };
            }),
          });
        },
        setNodeText(nodeId, field, value) {
          set({
            nodes: updateData(get().nodes, nodeId, (data) => {
              const { [field]: _previous, ...rest } = data;
              return value.trim() === '' ? rest : { ...rest, [field]: value };
            }),
          });
        },
        setPositions(positions) {
          set({
            nodes: get().nodes.map((n) => {
              const p = positions.get(n.id);
              return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
            }),
          });
        },
        beginGesture() {
          if (gestureStart) return;
          const temporalState = store.temporal.getState();
          gestureStart = docOf(get());
          temporalState.pause();
        },
        endGesture() {
          const start = gestureStart;
          if (!start) return;
          gestureStart = undefined;
          const temporalState = store.temporal.getState();
          temporalState.resume();
          if (!sameDoc(start, docOf(get()))) {
            store.temporal.setState({ pastStates: [...temporalState.pastStates, start].slice(-HISTORY_LIMIT), futureStates: [] });
          }
        },
      }),
      { partialize: docOf, equality: sameDoc, limit: HISTORY_LIMIT },
    ),
  );
  return store;
}

const HISTORY_LIMIT = 200;

function docOf(state: GraphDoc): GraphDoc {
  return { meta: state.meta, nodes: state.nodes, edges: state.edges };
}
