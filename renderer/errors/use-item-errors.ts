import { useEffect, useState } from 'react';
import type { ItemErrorPage } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';

export const ERRORS_PAGE_SIZE = 50;

export type ItemErrorsState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'loaded'; page: ItemErrorPage };

/**
 * One page of a node run's item errors from the engine. `revision` changes when the node's failures may have (its
 * failed count or state), so a page open during a run follows it.
 */
export function useItemErrors(runId: string, nodeId: string, search: string, offset: number, revision: string): ItemErrorsState {
  const { engine } = useServices();
  const [state, setState] = useState<ItemErrorsState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    engine.nodeErrors(runId, nodeId, { offset, limit: ERRORS_PAGE_SIZE, ...(search ? { search } : {}) }).then(
      (page) => current && setState({ status: 'loaded', page }),
      (error: unknown) => current && setState({ status: 'failed', message: (error as Error).message }),
    );
    return () => {
      current = false;
    };
  }, [engine, runId, nodeId, search, offset, revision]);
  return state;
}
