import { useMemo } from 'react';
import { ApiError, type RunRequest, type SampleSpec } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { docToGraph } from '../store/convert.ts';
import type { RunView } from './run-state.ts';

export interface RunActions {
  runAll(): void;
  /** Runs the node and what it needs. */
  runTo(nodeId: string): void;
  /** Re-runs the node and everything downstream, taking everything upstream from the cache. */
  rerunFrom(nodeId: string): void;
  /** Re-runs the node's failed items (and what it needs), asking the model again instead of the request cache. */
  retryFailed(nodeId: string): void;
  /**
   * Runs the node and what it needs on a sample of each source, as the node's latest try; the canvas keeps showing
   * the viewed run. Resolves once the engine has started the run (or refused it).
   */
  tryOn(nodeId: string, sample: SampleSpec): Promise<void>;
  cancel(runId: string): void;
}

export function useRunActions(): RunActions {
  const { engine, connection, editor, runs, toasts, validation } = useServices();
  return useMemo(() => {
    const start = (options: Omit<RunRequest, 'graph'>, keep: (view: RunView) => void = runs.getState().show) => {
      // Shortcuts and menus too, not only the disabled buttons: a run asked for now would only fail to be sent.
      if (connection.state().status === 'lost') {
        toasts.getState().push('error', 'Cannot run: the engine is not reachable; the page is reconnecting');
        return Promise.resolve();
      }
      const graph = docToGraph(editor.getState());
      return engine.startRun({ graph, ...options }).then(
        ({ runId }) => {
          // The run-started event usually comes first; if the socket was down, keep the run anyway.
          const known = runs.getState().runs[runId];
          keep(known ?? { runId, graphName: graph.name, status: 'running', nodes: {}, startedAt: Date.now() });
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.errors) validation.getState().set({ errors: error.errors, notices: validation.getState().notices });
          toasts.getState().push('error', `Cannot run: ${(error as Error).message}`);
        },
      );
    };
    return {
      runAll: () => start({}),
      runTo: (nodeId) => start({ until: nodeId }),
      rerunFrom: (nodeId) => start({ from: nodeId }),
      retryFailed: (nodeId) => start({ retryFailed: { nodeId } }),
      tryOn: (nodeId, sample) =>
        start({ until: nodeId, sample }, (view) => {
          runs.getState().remember({ ...view, sample });
          runs.getState().setTryRun(nodeId, view.runId);
        }),
      cancel(runId) {
        engine.cancelRun(runId).catch((error: unknown) => toasts.getState().push('error', `Cannot cancel: ${(error as Error).message}`));
      },
    };
  }, [engine, connection, editor, runs, toasts, validation]);
}
