import { useEffect, useState } from 'react';
import type { EngineApi, ItemErrorInfo, NodeTypeInfo } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { outputIn, triedInputs } from './try-on.ts';

/** The most items of each list a try shows (a sample is meant to be read, not paged). */
export const TRY_LIST_LIMIT = 50;

export interface ItemList {
  /** Where the items come from: an input's upstream `node.port`, or the node's own output port. */
  label: string;
  total: number;
  items: unknown[];
}

export interface TryResults {
  inputs: ItemList[];
  outputs: ItemList[];
  failures: ItemErrorInfo[];
}

export type TryResultsState = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'loaded'; results: TryResults };

function listOf(engine: EngineApi, runId: string, nodeId: string, port: string, label: string): Promise<ItemList> {
  return engine.nodeOutput(runId, nodeId, port, { limit: TRY_LIST_LIMIT }).then((page) => ({ label, total: page.total, items: page.items.map((item) => item.data) }));
}

/** What a try ran on and produced, read from its run: the node's inputs, its outputs per port and its failed items. */
export function useTryResults(runId: string, nodeId: string, info: NodeTypeInfo): TryResultsState {
  const { engine } = useServices();
  const [state, setState] = useState<TryResultsState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    const load = async (): Promise<TryResults> => {
      const run = await engine.getRun(runId);
      const outputPorts = outputIn(run, nodeId) ? info.outputs.map((p) => p.name) : [];
      return {
        inputs: await Promise.all(triedInputs(info, nodeId, run).map((i) => listOf(engine, runId, i.nodeId, i.port, `${i.nodeId}.${i.port}`))),
        outputs: await Promise.all(outputPorts.map((port) => listOf(engine, runId, nodeId, port, port))),
        failures: (await engine.nodeErrors(runId, nodeId, { limit: TRY_LIST_LIMIT })).errors,
      };
    };
    load().then(
      (results) => current && setState({ status: 'loaded', results }),
      (error: unknown) => current && setState({ status: 'failed', message: (error as Error).message }),
    );
    return () => {
      current = false;
    };
  }, [engine, runId, nodeId, info]);
  return state;
}
