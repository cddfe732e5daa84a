import { useState } from 'react';
import { useEditor, useRuns, useSelectedNodeIds, useServices } from '../app/services.tsx';
import { useDebounced } from '../app/use-debounced.ts';
import { formatCount } from '../runs/format.ts';
import { outputDataType } from '../store/connection-rules.ts';
import { LiveMetrics } from './LiveMetrics.tsx';
import { previewFor } from './registry.ts';
import { type OutputRef, usePagedItems } from './use-paged-items.ts';

function OutputView({ output, dataType }: { output: OutputRef; dataType: string }) {
  const items = usePagedItems(output);
  const kinds = previewFor(dataType);
  const [kindId, setKindId] = useState(kinds[0]!.id);
  const kind = kinds.find((k) => k.id === kindId) ?? kinds[0]!;
  const Preview = kind.component;
  return (
    <div className="output-view">
      <div className="output-bar">
        <div className="tabs small">
          {kinds.map((k) => (
            <button key={k.id} type="button" className={k.id === kind.id ? 'active' : ''} onClick={() => setKindId(k.id)}>
              {k.title}
            </button>
          ))}
        </div>
        <span className="muted">
          {items.total === null ? 'loading…' : `${formatCount(items.total)} item${items.total === 1 ? '' : 's'}`} · {dataType}
        </span>
      </div>
      {items.error ? <div className="field-error">{items.error}</div> : <Preview items={items} dataType={dataType} output={output} />}
    </div>
  );
}

/** The selected node's outputs in the viewed run, read page by page, with a preview picked by data type. */
export function OutputPanel() {
  const { catalog } = useServices();
  const selected = useSelectedNodeIds();
  const nodeId = selected.length === 1 ? selected[0]! : undefined;
  const runId = useRuns((s) => s.viewedRunId);
  const live = useRuns((s) => (nodeId && s.viewedRunId ? s.runs[s.viewedRunId]?.nodes[nodeId] : undefined));
  const type = useEditor((s) => s.nodes.find((n) => n.id === nodeId)?.data.type);
  const info = type ? catalog.nodeTypes.get(type) : undefined;
  const [port, setPort] = useState<string | undefined>();
  // The port picked last, while the selected node has one of that name.
  const current = info?.outputs.find((p) => p.name === port)?.name ?? info?.outputs[0]?.name;
  // Pass-through outputs carry what their input receives, so the type follows the edges.
  const dataType = useEditor((s) => (nodeId && current ? outputDataType(s, catalog, nodeId, current) : undefined)) ?? 'Any';
  const [search, setSearch] = useState('');
  const [where, setWhere] = useState('');
  const query = { search: useDebounced(search, 300), where: useDebounced(where, 300) };

  if (!nodeId || !info) return <p className="panel-message muted">Select a node to see its output.</p>;
  if (!runId || !live) return <p className="panel-message muted">Run the graph (or open a run from the history) to see this node’s output.</p>;
  if (live.state !== 'done' && live.state !== 'cached') {
    return (
      <div className="output-panel">
        <p className="panel-message muted">
          No output yet: the node is {live.state}.{live.failed > 0 && ` ${formatCount(live.failed)} failed item${live.failed === 1 ? '' : 's'}: see the Errors tab.`}
        </p>
        <LiveMetrics runId={runId} nodeId={nodeId} />
      </div>
    );
  }
  if (!current) return <p className="panel-message muted">This node has no outputs.</p>;

  return (
    <div className="output-panel">
      <div className="output-bar">
        <div className="tabs small" role="tablist" aria-label="Output ports">
          {info.outputs.map((p) => (
            <button key={p.name} type="button" role="tab" aria-selected={p.name === current} className={p.name === current ? 'active' : ''} onClick={() => setPort(p.name)}>
              {p.name}
              {live.info?.outputCounts[p.name] !== undefined && <span className="count">{formatCount(live.info.outputCounts[p.name]!)}</span>}
            </button>
          ))}
        </div>
        <input type="search" placeholder="Search text…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search items" />
        <input type="search" placeholder="field=value" value={where} onChange={(e) => setWhere(e.target.value)} aria-label="Filter items by field" title="Keep items whose field (dotted path) equals the value, e.g. kept=true" />
      </div>
      <OutputView key={`${runId}/${nodeId}/${current}`} output={{ runId, nodeId, port: current, ...query }} dataType={dataType} />
    </div>
  );
}
