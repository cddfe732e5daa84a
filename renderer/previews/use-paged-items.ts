import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OutputPage } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';

export type Item = OutputPage['items'][number];

export interface OutputRef {
  runId: string;
  nodeId: string;
  port: string;
  search: string;
  where: string;
}

/** A node output read page by page from the server, so that a 170k-row output never loads whole. */
export interface PagedItems {
  /** Items matching the query; `null` until the first page arrives. */
  total: number | null;
  error: string | null;
  item(index: number): Item | undefined;
  /** Asks for the pages holding items `start`…`end` (inclusive). */
  want(start: number, end: number): void;
}

const PAGE_SIZE = 200;

interface PageCache {
  pages: Map<number, Item[] | 'loading'>;
  /** False once its query is replaced or the view is gone: late replies are dropped. */
  live: boolean;
}

interface Loaded {
  /** The cache these figures belong to; figures of an earlier query read as not loaded. */
  cache: PageCache;
  total: number | null;
  error: string | null;
  /** Counts arrived pages, so that views showing them render again. */
  arrived: number;
}

const nothingLoaded = (cache: PageCache): Loaded => ({ cache, total: null, error: null, arrived: 0 });

export function usePagedItems(output: OutputRef): PagedItems {
  const { engine } = useServices();
  const { runId, nodeId, port, search, where } = output;
  // A cache per query, made while rendering: the view's effects run before this hook's, and the first page they ask
  // for must go into this query's cache, not into one about to be replaced (that asked for it twice).
  const cache = useMemo<PageCache>(() => ({ pages: new Map(), live: true }), [runId, nodeId, port, search, where]);
  const [loaded, setLoaded] = useState(() => nothingLoaded(cache));

  const load = useCallback(
    (page: number) => {
      if (cache.pages.has(page)) return;
      cache.pages.set(page, 'loading');
      const query = { offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...(search ? { search } : {}), ...(where ? { where } : {}) };
      const settle = (update: (previous: Loaded) => Loaded) => {
        if (cache.live) setLoaded((previous) => update(previous.cache === cache ? previous : nothingLoaded(cache)));
      };
      engine.nodeOutput(runId, nodeId, port, query).then(
        (result) => {
          cache.pages.set(page, result.items);
          settle((previous) => ({ ...previous, total: result.total, arrived: previous.arrived + 1 }));
        },
        (failure: unknown) => {
          cache.pages.delete(page);
          settle((previous) => ({ ...previous, error: (failure as Error).message }));
        },
      );
    },
    [engine, cache, runId, nodeId, port, search, where],
  );

  useEffect(() => {
    load(0);
    return () => {
      cache.live = false;
    };
  }, [load, cache]);

  const { total, error, arrived } = loaded.cache === cache ? loaded : nothingLoaded(cache);
  // A new object whenever a page arrives, so that views showing it render again.
  return useMemo(
    () => ({
      total,
      error,
      item(index) {
        const page = cache.pages.get(Math.floor(index / PAGE_SIZE));
        return page === 'loading' ? undefined : page?.[index % PAGE_SIZE];
      },
      want(start, end) {
        for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) load(page);
      },
    }),
    [total, error, cache, load, arrived],
  );
}
