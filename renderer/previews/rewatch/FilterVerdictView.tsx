import { useEffect, useState } from 'react';
import type { FilterVerdict } from '../../../nodes/rewatch/types.ts';
import { formatCount } from '../../runs/format.ts';
import { ItemPager } from '../ItemCursor.tsx';
import type { PreviewProps } from '../registry.ts';
import type { Item } from '../use-paged-items.ts';
import { useOutputTotal } from './use-output-query.ts';

const ROWS_PER_PAGE = 50;

/** How many of all the verdicts kept their question (whatever the panel's field filter). */
function KeptRatio({ output }: Pick<PreviewProps, 'output'>) {
  const all = useOutputTotal(output, '');
  const kept = useOutputTotal(output, 'kept=true');
  if (all === null || kept === null) return <span className="muted">counting…</span>;
  return (
    <span data-testid="kept-ratio">
      kept {formatCount(kept)} of {formatCount(all)} ({all ? ((kept / all) * 100).toFixed(1) : '0'}%)
    </span>
  );
}

function ProbeAnswers({ probes, form }: { probes: FilterVerdict['probes']; form?: string }) {
  return probes.map((p) => (
    <div key={`${form}${p.probe}`} title={p.reason}>
      {form && <span className="muted">{form} </span>}
      <span className="mono">{p.probe}</span>: {p.answer} {p.correct ? '✓' : '✗'}
    </div>
  ));
}

function VerdictRow({ item }: { item: Item }) {
  const v = item.data as FilterVerdict;
  return (
    <tr className={v.kept ? 'verdict-kept' : 'verdict-dropped'} data-testid="verdict-row">
      <td className="mono">{v.qaId}</td>
      <td>{v.stage}</td>
      <td>{v.kept ? 'kept' : 'dropped'}</td>
      <td>
        <ProbeAnswers probes={v.probes} />
        {v.mcProbes && <ProbeAnswers probes={v.mcProbes} form="MC" />}
      </td>
      <td>
        {v.accuracy.toFixed(2)}
        {v.mcAccuracy !== undefined && <div>MC {v.mcAccuracy.toFixed(2)}</div>}
      </td>
      <td>{v.reason}</td>
    </tr>
  );
}

/**
 * Filter verdicts as a table a page at a time: stage, kept or dropped, each probe's answer, accuracy and reason (with
 * the multiple-choice form's probes and accuracy when it was probed).
 */
export function FilterVerdictView({ items, output }: PreviewProps) {
  const [page, setPage] = useState(0);
  const total = items.total ?? 0;
  const pages = Math.ceil(total / ROWS_PER_PAGE);
  const start = page * ROWS_PER_PAGE;
  const end = Math.min(total, start + ROWS_PER_PAGE) - 1;
  useEffect(() => {
    if (end >= start) items.want(start, end);
  }, [items, start, end]);
  const rows = Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => items.item(start + i));
  return (
    <div className="verdict-view">
      <div className="output-bar">
        <ItemPager index={page} total={pages} onChange={(next) => setPage(Math.max(0, Math.min(next, pages - 1)))} label="page" />
        <KeptRatio output={output} />
      </div>
      <div className="verdict-scroll">
        <table className="runs-table verdict-table">
          <thead>
            <tr>
              <th>question</th>
              <th>stage</th>
              <th>verdict</th>
              <th>probes</th>
              <th>accuracy</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody>{rows.map((item, i) => (item ? <VerdictRow key={item.seq} item={item} /> : <tr key={`l${i}`}><td className="muted">loading…</td></tr>))}</tbody>
        </table>
      </div>
    </div>
  );
}
