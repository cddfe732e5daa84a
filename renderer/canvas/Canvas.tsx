import {
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type DragEvent, type MouseEvent, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useEditor, useLayout, useServices } from '../app/services.tsx';
import { SHORTCUTS } from '../app/shortcuts.ts';
import { NODE_TYPE_MIME } from '../palette/search.ts';
import { checkConnection } from '../store/connection-rules.ts';
import type { FlowEdge, FlowNode, PortConnection } from '../store/flow-types.ts';
import { AddNodePopup } from './AddNodePopup.tsx';
import { useColouredEdges } from './edge-colors.ts';
import { GraphNodeView } from './GraphNodeView.tsx';
import { GroupFrames } from './GroupFrames.tsx';
import { OverviewContext } from './overview.tsx';
import { OverviewEdges } from './OverviewEdges.tsx';
import { type CanvasCommands, useCanvasKeys } from './use-canvas-commands.ts';

// Module constants: props React Flow compares by identity on every render.
const nodeTypes = { graph: GraphNodeView };
const SNAP_GRID: [number, number] = [4, 4];
const MULTI_SELECT_KEYS = ['Meta', 'Control'];
const PRO_OPTIONS = { hideAttribution: true };
const FIT_OPTIONS = { duration: 200 };
const FIT_WAIT_MS = 1000;
/** What xyflow draws at the overview zoom, where `OverviewEdges` draws the edges. */
const NO_EDGES: FlowEdge[] = [];
/** Below this zoom a node's 13 px title would be under 10 px on screen: nodes show their title alone, enlarged. */
const FAR_ZOOM = 0.77;

function asPorts(connection: Connection | FlowEdge): PortConnection {
  return {
    source: connection.source,
    sourceHandle: connection.sourceHandle ?? '',
    target: connection.target,
    targetHandle: connection.targetHandle ?? '',
  };
}

/** The connection a drag that ended on a handle asked for, whichever end it started from. */
function attempted(state: FinalConnectionState): PortConnection | undefined {
  const { fromHandle, toHandle } = state;
  if (!fromHandle || !toHandle) return undefined;
  const [source, target] = fromHandle.type === 'source' ? [fromHandle, toHandle] : [toHandle, fromHandle];
  return { source: source.nodeId, sourceHandle: source.id ?? '', target: target.nodeId, targetHandle: target.id ?? '' };
}

/** Small enough to leave a laptop's canvas mostly free; the toolbar hides it altogether. */
const MINIMAP_SIZE = { width: 160, height: 100 };

const miniMapColor = (node: FlowNode) => (node.selected ? '#e5e7eb' : '#4b5563');

/**
 * Fits each newly loaded graph in view once all its nodes have been measured (fitting earlier fits only the nodes
 * measured so far, so a big template came up small); an empty one starts at the origin.
 */
function useFitOnLoad() {
  const loads = useEditor((s) => s.loads);
  const empty = useEditor((s) => s.nodes.length === 0);
  const measured = useEditor((s) => s.nodes.every((n) => n.measured?.width && n.measured?.height));
  const flow = useReactFlow();
  const fitted = useRef(0);
  useEffect(() => {
    if (loads === 0 || fitted.current === loads) return;
    const fit = () => {
      fitted.current = loads;
      void (empty ? flow.setViewport({ x: 0, y: 0, zoom: 1 }) : flow.fitView({ maxZoom: 1 }));
    };
    if (empty || measured) {
      const frame = requestAnimationFrame(fit);
      return () => cancelAnimationFrame(frame);
    }
    // Nodes that are never measured (hidden canvas) must not leave the view where the last graph had it.
    const timer = setTimeout(fit, FIT_WAIT_MS);
    return () => clearTimeout(timer);
  }, [loads, empty, measured, flow]);
}

/** The graph canvas: nodes, typed edges with connection checks, drop-to-add and the double-click add box. */
export function Canvas({ commands }: { commands: CanvasCommands }) {
  const { editor, catalog, toasts } = useServices();
  const minimap = useLayout((s) => s.minimap);
  const box = useRef<HTMLDivElement>(null);
  // Port tooltips, group titles and far node titles undo the zoom (set here without a render) to stay readable.
  const onMove = useCallback((_event: unknown, { zoom }: Viewport) => {
    box.current?.style.setProperty('--unzoom', String(1 / zoom));
    box.current?.setAttribute('data-zoom', zoom < FAR_ZOOM ? 'far' : 'near');
  }, []);
  const nodes = useEditor((s) => s.nodes);
  const edges = useColouredEdges(nodes, useEditor((s) => s.edges));
  const overview = useContext(OverviewContext);
  const [adding, setAdding] = useState<{ screen: { x: number; y: number }; local: { x: number; y: number } } | null>(null);
  useCanvasKeys(commands);
  useFitOnLoad();

  const refuse = useCallback((reason: string) => toasts.getState().push('error', `Connection refused: ${reason}`), [toasts]);
  const onConnect = useCallback(
    (connection: Connection) => {
      const result = editor.getState().connect(asPorts(connection));
      if (!result.ok) refuse(result.reason);
    },
    [editor, refuse],
  );
  const isValidConnection = useCallback(
    (connection: Connection | FlowEdge) => checkConnection(editor.getState(), catalog, asPorts(connection)).ok,
    [editor, catalog],
  );
  const onConnectEnd = useCallback(
    (_event: unknown, state: FinalConnectionState) => {
      const connection = attempted(state);
      if (!connection || state.isValid) return;
      const result = checkConnection(editor.getState(), catalog, connection);
      if (!result.ok) refuse(result.reason);
    },
    [editor, catalog, refuse],
  );

  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(NODE_TYPE_MIME);
    if (!type) return;
    event.preventDefault();
    event.stopPropagation();
    commands.addNode(type, { x: event.clientX, y: event.clientY });
  };
  const onDoubleClick = (event: MouseEvent<HTMLDivElement>) => {
    if (!(event.target as HTMLElement).classList.contains('react-flow__pane')) return;
    const box = event.currentTarget.getBoundingClientRect();
    setAdding({ screen: { x: event.clientX, y: event.clientY }, local: { x: event.clientX - box.left, y: event.clientY - box.top } });
  };

  // Stable handlers: React Flow copies changed props into its store, and every store update costs each node and edge.
  const handlers = useMemo(() => {
    const { getState } = editor;
    return {
      onNodesChange: (changes: NodeChange<FlowNode>[]) => getState().applyNodeChanges(changes),
      onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => getState().applyEdgeChanges(changes),
      onNodeDragStart: () => getState().beginGesture(),
      onNodeDragStop: () => getState().endGesture(),
      onSelectionDragStart: () => getState().beginGesture(),
      onSelectionDragStop: () => getState().endGesture(),
    };
  }, [editor]);

  return (
    <div className="canvas" ref={box} onDragOver={onDragOver} onDrop={onDrop} onDoubleClick={onDoubleClick}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={overview ? NO_EDGES : edges}
        nodeTypes={nodeTypes}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        {...handlers}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        zoomOnDoubleClick={false}
        snapToGrid
        snapGrid={SNAP_GRID}
        minZoom={0.05}
        maxZoom={2}
        onlyRenderVisibleElements
        colorMode="dark"
        proOptions={PRO_OPTIONS}
        onMove={onMove}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="#2f3440" />
        <GroupFrames />
        {overview && <OverviewEdges edges={edges} />}
        {minimap && <MiniMap style={MINIMAP_SIZE} pannable zoomable nodeColor={miniMapColor} maskColor="rgba(10, 12, 16, 0.6)" />}
        <Controls showInteractive={false} fitViewOptions={FIT_OPTIONS} />
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty">
          Drag nodes here from the palette, or {SHORTCUTS.addNode} to search. {SHORTCUTS.boxSelect} selects several.
        </div>
      )}
      {adding && (
        <AddNodePopup
          at={adding.local}
          onPick={(type) => {
            commands.addNode(type, adding.screen);
            setAdding(null);
          }}
          onClose={() => setAdding(null)}
        />
      )}
    </div>
  );
}
