import { useMemo } from 'react';
import { ApiError, type RunRequest } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { docToGraph } from '../store/convert.ts';

export interface RunActions {
  runAll(): void;
  /** Runs the node and what it needs. */
  runTo(nodeId: string): void;
  /** Re-runs the node and everything downstream, taking everything upstream from the cache. */
  rerunFrom(nodeId: string): void;
  /** Re-runs the node's failed items (and what it needs), asking the model again instead of the request cache. */
  retryFailed(nodeId: string): void;
  cancel(runId: string): void;
}

export function useRunActions(): RunActions {
  const { engine, connection, editor, runs, toasts, validation } = useServices();
  return useMemo(() => {
    const start = (options: Omit<RunRequest, 'graph'>) => {
      // Shortcuts and menus too, not only the disabled buttons: a run asked for now would only fail to be sent.
      if (connection.state().status === 'lost') {
        toasts.getState().push('error', 'Cannot run: the engine is not reachable; the page is reconnecting');
        return;
      }
      const graph = docToGraph(editor.getState());
      engine.startRun({ graph, ...options }).then(
        ({ runId }) => {
          // The run-started event usually comes first; if the socket was down, show the run anyway.
          const known = runs.getState().runs[runId];
          runs.getState().show(known ?? { runId, graphName: graph.name, status: 'running', nodes: {}, startedAt: Date.now() });
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
      cancel(runId) {
        engine.cancelRun(runId).catch((error: unknown) => toasts.getState().push('error', `Cannot cancel: ${(error as Error).message}`));
      },
    };
  }, [engine, connection, editor, runs, toasts, validation]);
}
