import { useEffect, useMemo, useState } from 'react';
import type { Provenance, ProvenanceRow } from '../../main/api/contract.ts';
import type { CaptionEvent, DenseCaption } from '../../nodes/rewatch/types.ts';
import { mediaUrl } from '../api/index.ts';
import { useEditor, useServices } from '../app/services.tsx';
import { blobHashOf } from '../previews/ItemCursor.tsx';
import type { FlowNode } from '../store/flow-types.ts';
import { JsonTree } from '../previews/JsonTree.tsx';
import { useProvenanceTarget } from './provenance-store.ts';
import { clockOf, evidenceSpan, eventsIn, type Span, summarize } from './row-summary.ts';

const NO_NODES: readonly FlowNode[] = [];

type Loaded = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; provenance: Provenance };

function useProvenance(): Loaded | undefined {
  const { engine } = useServices();
  const target = useProvenanceTarget((s) => s.target);
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    if (!target) return;
    let current = true;
    setLoaded({ state: 'loading' });
    const { runId, ...row } = target;
    engine.provenance(runId, row).then(
      (provenance) => current && setLoaded({ state: 'ready', provenance }),
      (error: Error) => current && setLoaded({ state: 'failed', message: error.message }),
    );
    return () => {
      current = false;
    };
  }, [engine, target]);
  return target ? loaded : undefined;
}

/** The video at the evidence span (the player starts there) beside the caption lines the span covers. */
function EvidencePanel({ rows, span }: { rows: readonly ProvenanceRow[]; span: Span | undefined }) {
  const { server } = useServices();
  const video = rows.find((r) => r.dataType === 'Video');
  const caption = rows.find((r) => r.dataType === 'DenseCaption')?.data as DenseCaption | undefined;
  const hash = blobHashOf(video?.data ?? caption);
  const fragment = span ? `#t=${span.start},${span.end}` : '';
  return (
    <div className="provenance-evidence">
      {hash && <video data-testid="provenance-video" src={`${mediaUrl(server.baseUrl, server.token, hash)}${fragment}`} controls preload="metadata" />}
      <div>
        <h4>{span ? `Caption lines at the evidence, ${clockOf(span.start)}–${clockOf(span.end)}` : 'Caption lines'}</h4>
        {caption ? (
          <ul className="provenance-caption" data-testid="provenance-caption">
            {eventsIn<CaptionEvent>(caption.events, span).map((e, i) => (
              <li key={i}>
                <span className="mono muted">
                  [{clockOf(e.start)}–{clockOf(e.end)}]
                </span>{' '}
                {e.text}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No caption of this video in the run.</p>
        )}
      </div>
    </div>
  );
}

function RowCard({ row, origin, title }: { row: ProvenanceRow; origin: boolean; title: string }) {
  const lines = summarize(row);
  return (
    <li className={`provenance-row${origin ? ' origin' : ''}`} data-node={row.nodeId} data-port={row.port} data-type={row.dataType}>
      <div className="provenance-row-head">
        <strong>{title}</strong>
        <span className="mono muted">
          {row.nodeId}.{row.port} #{row.seq} · {row.dataType}
        </span>
        {origin && <span className="tag">this row</span>}
      </div>
      {lines.map((line, i) => (
        <div key={i} className="provenance-line">
          {line}
        </div>
      ))}
      <details>
        <summary className="muted">JSON</summary>
        <JsonTree value={row.data} openDepth={1} />
      </details>
    </li>
  );
}

/** One row's sources and fate in one view: why a question was dropped, why a reward came out low. */
export function ProvenanceView() {
  const { catalog } = useServices();
  const close = useProvenanceTarget((s) => s.close);
  const target = useProvenanceTarget((s) => s.target);
  // Read only while open: otherwise every frame of a node drag would render this closed view again.
  const nodes = useEditor((s) => (target ? s.nodes : NO_NODES));
  const labels = useMemo(() => new Map(nodes.map((n) => [n.id, n.data.label || catalog.nodeTypes.get(n.data.type)?.title || n.id])), [nodes, catalog]);
  const loaded = useProvenance();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close]);
  if (!target || !loaded) return null;
  const title = (nodeId: string) => labels.get(nodeId) ?? nodeId;
  return (
    <section className="provenance-view" aria-label="Provenance">
      <header className="settings-head">
        <h2>
          Sources of {title(target.nodeId)} · {target.port} #{target.seq}
        </h2>
        <button type="button" onClick={close} title="Back to the graph (Esc)">
          Close
        </button>
      </header>
      {loaded.state === 'loading' && <p className="muted">Following the ids…</p>}
      {loaded.state === 'failed' && <p className="field-error">{loaded.message}</p>}
      {loaded.state === 'ready' && (
        <>
          <EvidencePanel rows={loaded.provenance.rows} span={evidenceSpan(loaded.provenance.rows)} />
          {loaded.provenance.truncated && <p className="muted">Some outputs hold more related rows than are shown.</p>}
          <ol className="provenance-rows">
            {loaded.provenance.rows
              .filter((r) => r.dataType !== 'Video' && r.dataType !== 'DenseCaption')
              .map((row) => (
                <RowCard key={`${row.nodeId}/${row.port}/${row.seq}`} row={row} title={title(row.nodeId)} origin={row.nodeId === target.nodeId && row.port === target.port && row.seq === target.seq} />
              ))}
          </ol>
          <h4>Exported rows</h4>
          {loaded.provenance.exported.length === 0 ? (
            <p className="muted">No exported row mentions this question.</p>
          ) : (
            <ul className="provenance-rows" data-testid="provenance-exported">
              {loaded.provenance.exported.map((e) => (
                <li key={`${e.file}:${e.line}`} className="provenance-row">
                  <div className="provenance-row-head">
                    <strong>{title(e.nodeId)}</strong>
                    <span className="mono muted">
                      {e.file}:{e.line}
                    </span>
                  </div>
                  <JsonTree value={e.row} openDepth={1} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
