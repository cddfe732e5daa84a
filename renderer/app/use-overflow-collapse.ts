import { type RefObject, useLayoutEffect, useRef, useState } from 'react';

/**
 * Whether `container`'s row should collapse: true once its content is wider than it, false again when it has grown
 * back to the width the full row needed. Its children are observed too, so content that grows (a run's status) counts.
 */
export function useOverflowCollapse(container: RefObject<HTMLElement | null>): boolean {
  const [collapsed, setCollapsed] = useState(false);
  /** The full row's width when it last overflowed. */
  const needed = useRef(0);
  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    const check = () => {
      if (!collapsed && element.scrollWidth > element.clientWidth) {
        needed.current = element.scrollWidth;
        setCollapsed(true);
      } else if (collapsed && element.clientWidth >= needed.current) setCollapsed(false);
    };
    const observer = new ResizeObserver(check);
    observer.observe(element);
    for (const child of element.children) observer.observe(child);
    check();
    return () => observer.disconnect();
  }, [container, collapsed]);
  return collapsed;
}
