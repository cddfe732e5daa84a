import { useCallback, useEffect } from 'react';
import { useServices } from '../app/services.tsx';
import { useOnReconnect } from '../app/use-connection.ts';
import { viewOfDetail } from './run-state.ts';

/**
 * Follows the engine's run events for as long as the app is open; a finished run is reloaded with its totals. When
 * the engine comes back after the connection was lost, the events missed meanwhile are made up for by reloading the
 * history and every run the page saw running (a run the engine lost with its process reads `interrupted`).
 */
export function useRunEvents(): void {
  const { engine, runs, toasts } = useServices();
  const refreshHistory = useCallback(
    () =>
      engine.listRuns().then(
        (history) => runs.getState().setHistory(history),
        (error: unknown) => toasts.getState().push('error', `Cannot list runs: ${(error as Error).message}`),
      ),
    [engine, runs, toasts],
  );
  const reloadRun = useCallback(
    // The stored run adds what events do not carry: per-node totals and output counts. Without it the live view stays.
    (runId: string) => engine.getRun(runId).then((detail) => runs.getState().remember(viewOfDetail(detail)), () => {}),
    [engine, runs],
  );
  useOnReconnect(() => {
    void refreshHistory();
    const { runs: seen, viewedRunId } = runs.getState();
    const stale = Object.values(seen).filter((view) => view.status === 'running' || view.runId === viewedRunId);
    for (const { runId } of stale) void reloadRun(runId);
  });
  useEffect(() => {
    void refreshHistory();
    return engine.subscribe((event) => {
      runs.getState().apply(event);
      if (event.type !== 'run-finished') return;
      void refreshHistory();
      void reloadRun(event.runId);
    });
  }, [engine, runs, refreshHistory, reloadRun]);
}
