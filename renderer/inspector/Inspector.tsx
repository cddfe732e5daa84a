import type { NodeTypeInfo } from '../../main/api/contract.ts';
import { PAPER_VIDEO_BUDGET, type VideoBudgetKey } from '../../nodes/sdk/video-budget.ts';
import { DataTypeTag } from '../app/DataTypeTag.tsx';
import { useEditor, useSelectedNodeIds, useServices, useValidation } from '../app/services.tsx';
import { useSettings } from '../settings/settings-store.ts';
import type { GraphNodeData } from '../store/flow-types.ts';
import { ConfigForm } from './ConfigForm.tsx';
import { NodeRunSection } from './NodeRunSection.tsx';
import { TryOnSection } from './TryOnSection.tsx';
import { useDraft } from './use-draft.ts';

function NodeTexts({ nodeId, data }: { nodeId: string; data: GraphNodeData }) {
  const { editor } = useServices();
  const label = useDraft(data.label ?? '', (text) => editor.getState().setNodeText(nodeId, 'label', text));
  const notes = useDraft(data.notes ?? '', (text) => editor.getState().setNodeText(nodeId, 'notes', text), { multiline: true });
  return (
    <section className="inspector-section">
      <div className="field">
        <label htmlFor="node-label">label</label>
        <input id="node-label" {...label} placeholder="Shown on the canvas instead of the title" />
      </div>
      <div className="field">
        <label htmlFor="node-notes">notes</label>
        <textarea id="node-notes" rows={2} {...notes} placeholder="Anything worth remembering about this step" />
      </div>
      <NodeHost nodeId={nodeId} host={data.host} />
    </section>
  );
}

function NodeProblems({ nodeId, info }: { nodeId: string; info: NodeTypeInfo | undefined }) {
  const errors = useValidation((s) => s.errors);
  const notices = useValidation((s) => s.notices);
  const fieldNames = new Set(Object.keys((info?.configSchema.properties as object | undefined) ?? {}));
  // Config field errors show beside their field; the rest (ports, cycles, unknown types) here.
  const general = errors.filter((e) => e.nodeId === nodeId && !(e.field && fieldNames.has(e.field.split('.')[0]!)));
  // An unknown type is already an error; its notice would say it twice.
  const mine = notices.filter((n) => n.nodeId === nodeId && n.kind !== 'unknown-type');
  if (general.length === 0 && mine.length === 0) return null;
  return (
    <section className="inspector-section">
      {general.map((e, i) => (
        <div key={i} className="field-error">
          {e.field ? `${e.field}: ` : ''}
          {e.message}
        </div>
      ))}
      {mine.map((n, i) => (
        <div key={`n${i}`} className="notice">
          {n.message}
        </div>
      ))}
    </section>
  );
}

const LOCAL = 'local';

/** Where the node runs: this machine or a host from the settings; a host the settings lack stays listed, and flagged. */
function NodeHost({ nodeId, host }: { nodeId: string; host: string | undefined }) {
  const { editor } = useServices();
  const hosts = useSettings((s) => s.hosts);
  const names = [...new Set([LOCAL, ...hosts, ...(host ? [host] : [])])];
  return (
    <div className="field" data-field="host">
      <label htmlFor="node-host" title="Hosts come from the settings (hosts.yaml)">
        host
      </label>
      <select id="node-host" value={host ?? LOCAL} onChange={(e) => editor.getState().setNodeText(nodeId, 'host', e.target.value === LOCAL ? '' : e.target.value)}>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The node type's inputs and outputs with their data types. */
function NodePorts({ info }: { info: NodeTypeInfo }) {
  const rows = [...info.inputs.map((p) => ({ ...p, side: 'in' })), ...info.outputs.map((p) => ({ ...p, side: 'out' }))];
  return (
    <section className="inspector-section">
      <h4>Ports</h4>
      <table className="port-list">
        <tbody>
          {rows.map((p) => (
            <tr key={`${p.side}-${p.name}`} data-port={`${p.side}:${p.name}`} title={p.description}>
              <td className="muted">{p.side}</td>
              <td className="mono">{p.name}</td>
              <td>
                <DataTypeTag dataType={p.dataType} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Reads the node's data only, which does not change while it is dragged. */
function NodeInspector({ nodeId }: { nodeId: string }) {
  const { catalog } = useServices();
  const errors = useValidation((s) => s.errors);
  const data = useEditor((s) => s.nodes.find((n) => n.id === nodeId)?.data);
  if (!data) return null;
  const info = catalog.nodeTypes.get(data.type);
  return (
    <div className="inspector-body" data-node-id={nodeId}>
      <header className="inspector-head">
        <h2>{data.label || info?.title || data.type}</h2>
        <div className="muted mono">
          {nodeId} · {data.type} v{data.typeVersion}
        </div>
        {info && <p className="muted">{info.description}</p>}
      </header>
      <NodeProblems nodeId={nodeId} info={info} />
      <NodeTexts nodeId={nodeId} data={data} />
      {info && <NodePorts info={info} />}
      {info ? (
        <section className="inspector-section">
          <h4>Config</h4>
          <ConfigForm
            nodeId={nodeId}
            info={info}
            config={data.config}
            errors={errors.filter((e) => e.nodeId === nodeId)}
            besidePrompts={<TryOnSection nodeId={nodeId} info={info} />}
          />
        </section>
      ) : (
        <section className="inspector-section">
          <h4>Config (kept as it is)</h4>
          <pre className="mono">{JSON.stringify(data.config, null, 2)}</pre>
        </section>
      )}
      <NodeRunSection nodeId={nodeId} />
    </div>
  );
}

function GraphInspector() {
  const { editor } = useServices();
  const name = useEditor((s) => s.meta.name);
  const count = useEditor((s) => s.nodes.length);
  const problems = useValidation((s) => s.errors.length);
  const nameDraft = useDraft(name, (text) => text.trim() && editor.getState().setName(text.trim()));
  return (
    <div className="inspector-body">
      <header className="inspector-head">
        <h2>Graph</h2>
        <p className="muted">
          {count} nodes · {problems} problems. Select a node to edit it.
        </p>
      </header>
      <section className="inspector-section">
        <div className="field">
          <label htmlFor="graph-name" title="Runs of graphs with the same name are compared to explain re-runs">
            name
          </label>
          <input id="graph-name" {...nameDraft} />
        </div>
      </section>
      <VideoBudgetSection />
    </div>
  );
}

const BUDGET_FIELDS: ReadonlyArray<{ key: VideoBudgetKey; label: string; step: number }> = [
  { key: 'fps', label: 'fps', step: 0.1 },
  { key: 'maxFrames', label: 'max frames', step: 1 },
  { key: 'maxPixels', label: 'max pixels per frame', step: 784 },
];

/** The graph's video budget: set once here, inherited by every node that samples, exports or trains on video. */
function VideoBudgetSection() {
  const { editor } = useServices();
  const video = useEditor((s) => s.meta.settings?.video);
  return (
    <section className="inspector-section" data-section="video-budget">
      <h4>Video budget</h4>
      <p className="muted">Inherited by every node that samples, exports or trains on video, unless the node sets its own. Empty: the paper’s value.</p>
      {BUDGET_FIELDS.map(({ key, label, step }) => (
        <div className="field" key={key} data-field={`video.${key}`}>
          <label htmlFor={`video-${key}`}>{label}</label>
          <input
            id={`video-${key}`}
            type="number"
            min={0}
            step={step}
            placeholder={String(PAPER_VIDEO_BUDGET[key])}
            value={video?.[key] ?? ''}
            onChange={(e) => editor.getState().setVideoBudget(key, e.target.value === '' ? undefined : Number(e.target.value))}
          />
        </div>
      ))}
    </section>
  );
}

/** The right-hand panel: the selected node's label, notes, config and run, or the graph when none is selected. */
export function Inspector() {
  const selected = useSelectedNodeIds();
  return (
    <aside className="inspector">
      {selected.length === 1 ? (
        <NodeInspector key={selected[0]} nodeId={selected[0]!} />
      ) : selected.length > 1 ? (
        <div className="inspector-body muted">{selected.length} nodes selected.</div>
      ) : (
        <GraphInspector />
      )}
    </aside>
  );
}
