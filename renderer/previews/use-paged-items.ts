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

export function usePagedItems(output: OutputRef): PagedItems {
  const { engine } = useServices();
  const { runId, nodeId, port, search, where } = output;
  const pages = useRef(new Map<number, Item[] | 'loading'>());
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const generation = useRef(0);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page)) return;
      pages.current.set(page, 'loading');
      const mine = generation.current;
      const query = { offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...(search ? { search } : {}), ...(where ? { where } : {}) };
      engine.nodeOutput(runId, nodeId, port, query).then(
        (result) => {
          if (mine !== generation.current) return;
          pages.current.set(page, result.items);
          setTotal(result.total);
          setVersion((v) => v + 1);
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          pages.current.delete(page);
          setError((failure as Error).message);
        },
      );
    },
    [engine, runId, nodeId, port, search, where],
  );

  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    setTotal(null);
    setError(null);
    load(0);
  }, [load]);

  // A new object whenever a page arrives, so that views showing it render again.
  return useMemo(
    () => ({
      total,
      error,
      item(index) {
        const page = pages.current.get(Math.floor(index / PAGE_SIZE));
        return page === 'loading' ? undefined : page?.[index % PAGE_SIZE];
      },
      want(start, end) {
        for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) load(page);
      },
    }),
    [total, error, load, version],
  );
}
