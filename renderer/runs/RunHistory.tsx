import type { RunInfo } from '../../main/api/contract.ts';
import { describeRemovedSecrets } from '../../main/graph/secrets.ts';
import { useRuns, useSelectedNodeIds, useServices } from '../app/services.tsx';
import { useFileActions } from '../files/use-file-actions.ts';
import { graphToDoc } from '../store/convert.ts';
import { formatCount, formatDuration, formatTime } from './format.ts';
import { RunCompare } from './RunCompare.tsx';
import { SampleBadge } from './SampleBadge.tsx';
import { viewOfDetail } from './run-state.ts';

function RunRow({ run, viewed }: { run: RunInfo; viewed: boolean }) {
  const { engine, runs, toasts } = useServices();
  const files = useFileActions();
  const open = (withGraph: boolean) =>
    engine.getRun(run.runId).then(
      (detail) => {
        // Loading a graph stops viewing any run: the run is shown after its graph.
        if (withGraph) files.openUnsaved(graphToDoc(detail.graph), null);
        runs.getState().show(viewOfDetail(detail));
        if (withGraph && detail.removedSecrets.length) toasts.getState().push('info', `This run's graph: ${describeRemovedSecrets(detail.removedSecrets)}`);
      },
      (error: unknown) => toasts.getState().push('error', `Cannot open run: ${(error as Error).message}`),
    );
  const { totals } = run;
  return (
    <tr className={viewed ? 'viewed' : ''} onClick={() => void open(false)} title="Show this run’s states and outputs on the canvas">
      <td className={`state-text state-${run.status}`}>
        {run.status} {run.sample ? <SampleBadge sample={run.sample} /> : null}
      </td>
      <td>{run.graphName}</td>
      <td className="mono">{new Date(run.startedAt).toLocaleDateString()} {formatTime(run.startedAt)}</td>
      <td>{run.finishedAt ? formatDuration(run.finishedAt - run.startedAt) : '…'}</td>
      <td>
        {formatCount(totals.itemsDone)} items{totals.itemsFailed ? `, ${formatCount(totals.itemsFailed)} failed` : ''}
      </td>
      <td>
        {formatCount(totals.llmCalls)} calls ({formatCount(totals.llmCached)} cached) · {formatCount(totals.tokensIn + totals.tokensOut)} tokens
      </td>
      <td>
        <button
          type="button"
          onClick={(e) => {
            e.stopPropagation();
            void open(true);
          }}
          title="Load the graph this run ran, in place of the current one"
        >
          Open graph
        </button>
      </td>
    </tr>
  );
}

/** Past runs, newest first; clicking one shows its states and outputs. With one node selected, two of its runs side by side. */
export function RunHistory() {
  const history = useRuns((s) => s.history);
  const viewed = useRuns((s) => s.viewedRunId);
  const selected = useSelectedNodeIds();
  const nodeId = selected.length === 1 ? selected[0]! : undefined;
  if (history.length === 0) return <p className="panel-message muted">No runs yet.</p>;
  return (
    <div className="panel-scroll">
      <table className="runs-table">
        <thead>
          <tr>
            <th>status</th>
            <th>graph</th>
            <th>started</th>
            <th>took</th>
            <th>items</th>
            <th>LLM</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {history.map((run) => (
            <RunRow key={run.runId} run={run} viewed={run.runId === viewed} />
          ))}
        </tbody>
      </table>
      {nodeId ? <RunCompare nodeId={nodeId} /> : <p className="panel-message muted">Select a node to compare two of its runs.</p>}
    </div>
  );
}
