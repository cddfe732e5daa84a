import { useRuns, useSelectedNodeIds } from '../app/services.tsx';
import { useEngineReachable } from '../app/use-connection.ts';
import { withShortcut } from '../app/shortcuts.ts';
import { runSummary, shortRunSummary } from './run-summary.ts';
import type { RunActions } from './use-run-actions.ts';

function RunStatus() {
  const view = useRuns((s) => (s.viewedRunId ? s.runs[s.viewedRunId] : undefined));
  if (!view) return null;
  const now = Date.now();
  const summary = runSummary(view, now);
  return (
    <span className="run-status" data-testid="run-status" title={`${view.status} ${summary}${view.error ? `\n${view.error}` : ''}\nrun ${view.runId}`}>
      <span className={`state-text state-${view.status}`}>{view.status}</span> <span className="run-summary-full">{summary}</span>
      <span className="run-summary-short">{shortRunSummary(view, now)}</span>
    </span>
  );
}

const OFFLINE = 'The engine is not reachable; this comes back when it is';

/** Run all, run to the selected node, re-run from it, cancel; and the viewed run's status. All wait for the engine. */
export function RunControls({ actions }: { actions: RunActions }) {
  const reachable = useEngineReachable();
  const selected = useSelectedNodeIds();
  const only = reachable && selected.length === 1 ? selected[0] : undefined;
  const viewedRunning = useRuns((s) => (s.viewedRunId && s.runs[s.viewedRunId]?.status === 'running' ? s.viewedRunId : null));
  const running = reachable ? viewedRunning : null;
  return (
    <div className="toolbar-group run-controls">
      <button
        type="button"
        className="primary"
        disabled={!reachable}
        onClick={actions.runAll}
        title={reachable ? withShortcut('Run the whole graph; unchanged nodes come from the cache', 'runAll') : OFFLINE}
      >
        ▶ Run all
      </button>
      <button type="button" disabled={!only} onClick={() => only && actions.runTo(only)} title="Run the selected node and what it needs">
        Run to selected
      </button>
      <button type="button" disabled={!only} onClick={() => only && actions.rerunFrom(only)} title="Re-run the selected node and everything after it; what comes before it comes from the cache">
        Re-run from selected
      </button>
      <button type="button" disabled={!running} onClick={() => running && actions.cancel(running)} title="Cancel the run; finished items are kept">
        ■ Cancel
      </button>
      <RunStatus />
    </div>
  );
}
