import { useEffect } from 'react';
import { useServices } from '../app/services.tsx';
import { viewOfDetail } from './run-state.ts';

/** Follows the engine's run events for as long as the app is open; a finished run is reloaded with its totals. */
export function useRunEvents(): void {
  const { engine, runs, toasts } = useServices();
  useEffect(() => {
    const refreshHistory = () =>
      engine.listRuns().then(
        (history) => runs.getState().setHistory(history),
        (error: unknown) => toasts.getState().push('error', `Cannot list runs: ${(error as Error).message}`),
      );
    void refreshHistory();
    return engine.subscribe((event) => {
      runs.getState().apply(event);
      if (event.type !== 'run-finished') return;
      void refreshHistory();
      // The stored run adds what events do not carry: per-node totals and output counts. Without it the live view stays.
      engine.getRun(event.runId).then((detail) => runs.getState().remember(viewOfDetail(detail)), () => {});
    });
  }, [engine, runs, toasts]);
}
