import { useEffect, useState } from 'react';
import type { OutputQuery } from '../../../main/api/contract.ts';
import { useServices } from '../../app/services.tsx';
import type { Item, OutputRef } from '../use-paged-items.ts';

const SAMPLE_PAGE = 1000;

/** The output's items matching `where` (with the panel's search), read in pages up to `max`; `null` while loading. */
export function useOutputSample(output: OutputRef, where: string, max: number): Item[] | null {
  const { engine } = useServices();
  const { runId, nodeId, port, search } = output;
  const [items, setItems] = useState<Item[] | null>(null);
  useEffect(() => {
    let stale = false;
    setItems(null);
    const query: Partial<OutputQuery> = { ...(search ? { search } : {}), ...(where ? { where } : {}) };
    const read = async () => {
      const all: Item[] = [];
      for (let offset = 0; offset < max; offset += SAMPLE_PAGE) {
        const page = await engine.nodeOutput(runId, nodeId, port, { ...query, offset, limit: Math.min(SAMPLE_PAGE, max - offset) });
        all.push(...page.items);
        if (all.length >= page.total || page.items.length === 0) break;
      }
      return all;
    };
    read().then(
      (all) => !stale && setItems(all),
      (error: unknown) => console.warn('cannot sample the output', error),
    );
    return () => {
      stale = true;
    };
  }, [engine, runId, nodeId, port, search, where, max]);
  return items;
}

/** How many of the output's items match `where` (with the panel's search); `null` while loading. */
export function useOutputTotal(output: OutputRef, where: string): number | null {
  const { engine } = useServices();
  const { runId, nodeId, port, search } = output;
  const [total, setTotal] = useState<number | null>(null);
  useEffect(() => {
    let stale = false;
    setTotal(null);
    engine.nodeOutput(runId, nodeId, port, { limit: 1, ...(search ? { search } : {}), ...(where ? { where } : {}) }).then(
      (page) => !stale && setTotal(page.total),
      (error: unknown) => console.warn('cannot count the output', error),
    );
    return () => {
      stale = true;
    };
  }, [engine, runId, nodeId, port, search, where]);
  return total;
}
