import { useMemo, useReducer } from 'react';
import type { EngineApi, OutputPage } from '../../main/api/contract.ts';
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

/** One query's pages and figures, kept outside React's state so that a reply always lands in its own query's cache. */
interface PageCache {
  output: OutputRef;
  pages: Map<number, Item[] | 'loading'>;
  total: number | null;
  error: string | null;
}

/** Asks for one page of the cache's query unless it is there or on its way; `arrived` is called with the reply. */
function loadPage(engine: EngineApi, cache: PageCache, page: number, arrived: () => void): void {
  if (cache.pages.has(page)) return;
  cache.pages.set(page, 'loading');
  const { runId, nodeId, port, search, where } = cache.output;
  const query = { offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...(search ? { search } : {}), ...(where ? { where } : {}) };
  engine.nodeOutput(runId, nodeId, port, query).then(
    (result) => {
      cache.pages.set(page, result.items);
      cache.total = result.total;
      arrived();
    },
    (failure: unknown) => {
      cache.pages.delete(page);
      cache.error = (failure as Error).message;
      arrived();
    },
  );
}

export function usePagedItems(output: OutputRef): PagedItems {
  const { engine } = useServices();
  const { runId, nodeId, port, search, where } = output;
  // Counts replies, so that views showing them render again (a reply for a replaced query renders once, harmlessly).
  const [replies, replied] = useReducer((count: number) => count + 1, 0);
  // A cache per query, made while rendering, its first page asked for right then rather than once the view has been
  // committed: the server reads it while the view is laid out and painted. (Asked for in the view's effects, which
  // run before this hook's, it would go into a cache about to be replaced, and be asked for twice.)
  const cache = useMemo<PageCache>(() => {
    const made: PageCache = { output: { runId, nodeId, port, search, where }, pages: new Map(), total: null, error: null };
    loadPage(engine, made, 0, replied);
    return made;
  }, [engine, runId, nodeId, port, search, where]);

  const { total, error } = cache;
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
        for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) loadPage(engine, cache, page, replied);
      },
    }),
    [total, error, cache, engine, replies],
  );
}
