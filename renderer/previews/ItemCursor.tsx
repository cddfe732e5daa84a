import { type ReactNode, useEffect, useState } from 'react';
import type { Item, PagedItems } from './use-paged-items.ts';

/** One item at a time out of a paged output, for previews that show a single item large (video, captions). */
export function useItemCursor(items: PagedItems): { index: number; setIndex(index: number): void; item: Item | undefined } {
  const [index, setIndex] = useState(0);
  const total = items.total ?? 0;
  useEffect(() => {
    if (index >= total && total > 0) setIndex(total - 1);
  }, [index, total]);
  useEffect(() => {
    items.want(index, index);
  }, [items, index]);
  return { index, setIndex: (next) => setIndex(Math.max(0, Math.min(next, total - 1))), item: items.item(index) };
}

interface ItemPagerProps {
  index: number;
  total: number;
  onChange(index: number): void;
  label: string;
  /** Actions on the item shown (its Sources). */
  children?: ReactNode;
}

export function ItemPager({ index, total, onChange, label, children }: ItemPagerProps) {
  return (
    <div className="pager">
      <button type="button" onClick={() => onChange(index - 1)} disabled={index <= 0} title={`Previous ${label}`}>
        ‹
      </button>
      <span>
        {label} {total ? index + 1 : 0} of {total.toLocaleString('en-US')}
      </span>
      <button type="button" onClick={() => onChange(index + 1)} disabled={index >= total - 1} title={`Next ${label}`}>
        ›
      </button>
      {children}
    </div>
  );
}

/** `m:ss` or `h:mm:ss`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

const BLOB_HASH = /^[0-9a-f]{64}$/;

/** The engine serves blobs by content hash; an item's `hash` (or `videoId`, the video's content hash) names one. */
export function blobHashOf(data: unknown): string | undefined {
  const record = (data ?? {}) as { hash?: unknown; videoId?: unknown };
  const hash = typeof record.hash === 'string' ? record.hash : record.videoId;
  return typeof hash === 'string' && BLOB_HASH.test(hash) ? hash : undefined;
}
