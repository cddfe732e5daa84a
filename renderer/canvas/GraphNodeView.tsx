import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo, useContext } from 'react';
import type { PortInfo } from '../../main/api/contract.ts';
import { DataTypeTag } from '../app/DataTypeTag.tsx';
import { useEditor, useRuns, useServices, useValidation } from '../app/services.tsx';
import { dataTypeColor } from '../store/catalog-index.ts';
import type { FlowNode } from '../store/flow-types.ts';
import { NodeProgress, NodeStateMark, NodeStatusBadge } from './NodeStatus.tsx';
import { OverviewContext } from './overview.tsx';

interface PortRowProps {
  port: Pick<PortInfo, 'name' | 'dataType' | 'description'>;
  side: 'in' | 'out';
  color: string;
  /** Only the handle, at the overview zoom. */
  bare?: boolean;
}

/**
 * Where a port's handle is, for xyflow to measure, without the `Handle` component: at the overview zoom a handle is
 * neither drawn nor wired, and each `Handle` is a store subscription that every frame of a drag would run. xyflow
 * measures a node's handles as its elements of class `source` / `target`, reading `data-handleid` and
 * `data-handlepos` (getHandleBounds in xyflow/xyflow packages/system/src/utils/dom.ts, commit
 * 11dfc46e84d58327f426aea9b2e09b4fa62f89a6); the classes also give the mark the handle's box.
 */
function HandleMark({ kind, position, port }: { kind: 'source' | 'target'; position: Position; port: string }) {
  return <div className={`react-flow__handle react-flow__handle-${position} ${kind}`} data-handleid={port} data-handlepos={position} />;
}

/** A port's name; hovering it shows its data type and what it carries. */
function PortRow({ port, side, color, bare = false }: PortRowProps) {
  const [kind, position] = side === 'in' ? (['target', Position.Left] as const) : (['source', Position.Right] as const);
  return (
    <div className={`port port-${side}`}>
      {bare ? (
        <HandleMark kind={kind} position={position} port={port.name} />
      ) : (
        <>
          <Handle type={kind} position={position} id={port.name} style={{ background: color }} />
          <span>{port.name}</span>
          <span className="port-tip" role="tooltip">
            <DataTypeTag dataType={port.dataType} />
            {port.description && <span className="port-tip-text">{port.description}</span>}
          </span>
        </>
      )}
    </div>
  );
}

/** Ports of a node whose type is not installed, taken from its edges so that they still have somewhere to attach. */
function usePortsFromEdges(nodeId: string): { inputs: string[]; outputs: string[] } {
  const key = useEditor((s) =>
    JSON.stringify([
      [...new Set(s.edges.filter((e) => e.target === nodeId).map((e) => e.targetHandle ?? ''))],
      [...new Set(s.edges.filter((e) => e.source === nodeId).map((e) => e.sourceHandle ?? ''))],
    ]),
  );
  const [inputs, outputs] = JSON.parse(key) as [string[], string[]];
  return { inputs, outputs };
}

function MissingNode({ id, type, selected }: { id: string; type: string; selected: boolean }) {
  const { inputs, outputs } = usePortsFromEdges(id);
  const unknownPort = (name: string) => ({ name, dataType: 'unknown', description: '' });
  return (
    <div className={`gnode gnode-missing${selected ? ' selected' : ''}`}>
      <header>
        <span className="gnode-title">{id}</span>
        <span className="state-badge state-failed">missing</span>
      </header>
      <div className="gnode-sub">Node type “{type}” is not installed; its config and edges are kept.</div>
      <div className="gnode-ports">
        {inputs.map((name) => <PortRow key={`in-${name}`} port={unknownPort(name)} side="in" color="#6b7280" />)}
        {outputs.map((name) => <PortRow key={`out-${name}`} port={unknownPort(name)} side="out" color="#6b7280" />)}
      </div>
    </div>
  );
}

/**
 * A node on the canvas: title, typed ports coloured by data type, live run state and validation problems. At the
 * overview zoom it keeps its box, state colour and handles (rows of fixed height, so its size and the edges' ends do
 * not move; the handles are still measured there, though not drawn) and drops the text, named by a hover title
 * instead.
 */
export const GraphNodeView = memo(function GraphNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  const { catalog } = useServices();
  const overview = useContext(OverviewContext);
  const live = useRuns((s) => (s.viewedRunId ? s.runs[s.viewedRunId]?.nodes[id] : undefined));
  const problems = useValidation((s) => s.errors.filter((e) => e.nodeId === id).length);
  const info = catalog.nodeTypes.get(data.type);
  if (!info) return <MissingNode id={id} type={data.type} selected={selected} />;
  const title = data.label || info.title;
  return (
    <div
      className={`gnode${selected ? ' selected' : ''}${overview ? ' gnode-overview' : ''}`}
      data-state={live?.state ?? 'idle'}
      title={overview ? `${title} · ${id}` : undefined}
    >
      {overview && live && <NodeStateMark live={live} />}
      {!overview && (
        <>
          <header>
            <span className="gnode-title">{title}</span>
            {live && <NodeStatusBadge live={live} />}
          </header>
          <div className="gnode-sub">
            {data.label ? `${info.title} · ` : ''}
            {id}
            {problems > 0 && (
              <span className="gnode-problems" title="Open the inspector to see the problems">
                {' '}
                · {problems} problem{problems > 1 ? 's' : ''}
              </span>
            )}
          </div>
        </>
      )}
      <div className="gnode-ports">
        {info.inputs.map((p) => <PortRow key={`in-${p.name}`} port={p} side="in" color={dataTypeColor(catalog, p.dataType)} bare={overview} />)}
        {info.outputs.map((p) => <PortRow key={`out-${p.name}`} port={p} side="out" color={dataTypeColor(catalog, p.dataType)} bare={overview} />)}
      </div>
      {live && <NodeProgress live={live} />}
      {!overview && (
        <div className="gnode-far-title" aria-hidden="true">
          {title}
        </div>
      )}
    </div>
  );
});
