import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { SourcesButton } from '../provenance/SourcesButton.tsx';
import { JsonTree } from './JsonTree.tsx';
import type { PreviewProps } from './registry.ts';

/** Every item as a JSON tree, virtualized with measured heights (trees grow when opened). */
export function JsonListView({ items, output }: PreviewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.total ?? 0, getScrollElement: () => scroller.current, estimateSize: () => 120, overscan: 6 });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows.at(-1)?.index ?? 0;
  useEffect(() => {
    items.want(first, last);
  }, [items, first, last]);
  return (
    <div className="json-list" ref={scroller}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {rows.map((row) => {
          const item = items.item(row.index);
          return (
            <div key={row.key} ref={virtualizer.measureElement} data-index={row.index} className="json-list-item" style={{ transform: `translateY(${row.start}px)` }}>
              <div className="muted">
                item {item?.seq ?? row.index} {item && <SourcesButton output={output} seq={item.seq} />}
              </div>
              {item ? <JsonTree value={item.data} /> : <span className="muted">loading…</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
