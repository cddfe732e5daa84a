import type { ComponentType } from 'react';
import { SourcesButton } from '../../provenance/SourcesButton.tsx';
import { ItemPager, useItemCursor } from '../ItemCursor.tsx';
import type { PreviewProps } from '../registry.ts';

/** A preview showing one item at a time, `Body` drawing it, with a pager over the output. */
export function singleItemPreview<T>(label: string, Body: ComponentType<{ data: T }>): ComponentType<PreviewProps> {
  return function SingleItemPreview({ items, output }: PreviewProps) {
    const { index, setIndex, item } = useItemCursor(items);
    return (
      <div className="caption-view single-item">
        <ItemPager index={index} total={items.total ?? 0} onChange={setIndex} label={label}>
          {item && <SourcesButton output={output} seq={item.seq} />}
        </ItemPager>
        {item ? <Body data={item.data as T} /> : <p className="muted">loading…</p>}
      </div>
    );
  };
}
