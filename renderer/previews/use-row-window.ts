import { type RefObject, useLayoutEffect, useState } from 'react';

export interface RowWindow {
  /** The first and last row to render (inclusive); `last < first` when there are none. */
  first: number;
  last: number;
}

/**
 * The rows of a list of fixed-height rows that its scroll box shows, `overscan` more on each side. Worked out from the
 * scroll offset and the box's height alone, so it costs the same for 170k rows as for 10 (a general virtualizer
 * measures every row whenever the count changes, which is what a first page waited for).
 */
export function useRowWindow(scroller: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number): RowWindow {
  const [view, setView] = useState({ top: 0, height: 0 });
  useLayoutEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const read = () => setView((previous) => (previous.top === box.scrollTop && previous.height === box.clientHeight ? previous : { top: box.scrollTop, height: box.clientHeight }));
    read();
    box.addEventListener('scroll', read, { passive: true });
    const resize = new ResizeObserver(read);
    resize.observe(box);
    return () => {
      box.removeEventListener('scroll', read);
      resize.disconnect();
    };
  }, [scroller]);
  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  return { first, last };
}
