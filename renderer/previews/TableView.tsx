import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { SourcesButton } from '../provenance/SourcesButton.tsx';
import { JsonTree } from './JsonTree.tsx';
import type { PreviewProps } from './registry.ts';
import type { Item } from './use-paged-items.ts';
import { useRowWindow } from './use-row-window.ts';

const ROW_HEIGHT = 26;
const MAX_COLUMNS = 16;
const CELL_CHARS = 160;
const SEQ_WIDTH = 64;
const COLUMN_WIDTH = 220;

function columnsOf(sample: Item[]): string[] | null {
  const objects = sample.filter((i) => i.data !== null && typeof i.data === 'object' && !Array.isArray(i.data));
  if (objects.length === 0) return null;
  const keys = new Set<string>();
  for (const item of objects) for (const key of Object.keys(item.data as object)) keys.add(key);
  return [...keys].slice(0, MAX_COLUMNS);
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text;
}

interface TableRowProps {
  index: number;
  item: Item | undefined;
  columns: string[] | null;
  template: string;
  top: number;
  picked: boolean;
  onPick(index: number): void;
}

/** One row; memoized, so that scrolling renders only the rows that come into view. */
const TableRow = memo(function TableRow({ index, item, columns, template, top, picked, onPick }: TableRowProps) {
  return (
    <div
      className={`table-row${picked ? ' picked' : ''}`}
      style={{ gridTemplateColumns: template, transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onPick(index)}
      data-row={index}
    >
      <span className="muted">{item?.seq ?? index}</span>
      {item ? (
        (columns ?? ['value']).map((c) => <span key={c}>{cell(columns ? (item.data as Record<string, unknown>)[c] : item.data)}</span>)
      ) : (
        <span className="muted">loading…</span>
      )}
    </div>
  );
});

/** Every item as a table row (top-level fields as columns), virtualized; a clicked row opens as a JSON tree. */
export function TableView({ items, output }: PreviewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const count = items.total ?? 0;
  const { first, last } = useRowWindow(scroller, count, ROW_HEIGHT, 12);
  useEffect(() => {
    if (last >= first) items.want(first, last);
  }, [items, first, last]);

  const firstItem = items.item(0);
  const columns = useMemo(
    () => columnsOf(Array.from({ length: Math.min(count, 50) }, (_, i) => items.item(i)).filter((i): i is Item => i !== undefined)),
    // Columns come from the first page and stay put while scrolling.
    [firstItem, count],
  );
  const pickedItem = picked === null ? undefined : items.item(picked);
  // Fixed tracks: the header and every row lay out alike whatever their content.
  const template = `${SEQ_WIDTH}px repeat(${(columns ?? ['value']).length}, ${COLUMN_WIDTH}px)`;

  return (
    <div className="table-view">
      <div className="table-scroll" ref={scroller} data-testid="preview-table">
        <div className="table-row table-header" style={{ gridTemplateColumns: template }}>
          <span>#</span>
          {(columns ?? ['value']).map((c) => (
            <span key={c}>{c}</span>
          ))}
        </div>
        <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>
          {Array.from({ length: Math.max(0, last - first + 1) }, (_, k) => first + k).map((index) => (
            <TableRow
              key={index}
              index={index}
              item={items.item(index)}
              columns={columns}
              template={template}
              top={index * ROW_HEIGHT}
              picked={picked === index}
              onPick={setPicked}
            />
          ))}
        </div>
      </div>
      {pickedItem && (
        <div className="item-detail">
          <div className="item-detail-head">
            item {pickedItem.seq}
            <SourcesButton output={output} seq={pickedItem.seq} />
            <button type="button" className="icon" onClick={() => setPicked(null)} title="Close">
              ×
            </button>
          </div>
          <JsonTree value={pickedItem.data} openDepth={2} />
        </div>
      )}
    </div>
  );
}
