import { useState } from 'react';
import type { ItemErrorInfo, ItemLlmCall } from '../../main/api/contract.ts';
import { useRuns, useSelectedNodeIds } from '../app/services.tsx';
import { useDebounced } from '../app/use-debounced.ts';
import { JsonTree } from '../previews/JsonTree.tsx';
import { formatCount } from '../runs/format.ts';
import { useRunActions } from '../runs/use-run-actions.ts';
import { ERRORS_PAGE_SIZE, useItemErrors } from './use-item-errors.ts';
import './errors-panel.css';

function callSummary(call: ItemLlmCall): string {
  const how = call.cached ? 'from the cache' : `${call.attempts} attempt${call.attempts === 1 ? '' : 's'}, ${Math.round(call.latencyMs)} ms`;
  return `${call.repair ? 'repair request' : 'request'} to ${call.profile} (${call.model}): ${how}${call.error ? ` — ${call.error}` : ''}`;
}

/** One failed item: its input, the error, the model's raw reply and the LLM calls made for it. */
export function ItemErrorCard({ error }: { error: ItemErrorInfo }) {
  return (
    <article className="item-error" aria-label={`item ${error.seq}`}>
      <header>
        <span className="item-error-seq">item {error.seq}</span>
        <span className="item-error-message">{error.message}</span>
      </header>
      <div className="item-error-body">
        <section>
          <h4>Input</h4>
          {'input' in error ? <JsonTree value={error.input} /> : <p className="muted">no longer stored</p>}
        </section>
        <section>
          <h4>Model reply</h4>
          {error.raw === null ? <p className="muted">none (the failure did not come from a reply)</p> : <pre className="item-error-raw">{error.raw}</pre>}
        </section>
        <section>
          <h4>LLM calls</h4>
          {error.calls.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ol className="item-error-calls">
              {error.calls.map((call, index) => (
                <li key={index}>{callSummary(call)}</li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </article>
  );
}

/** The selected node's failed items in the viewed run: input, error, raw reply and LLM calls, searchable and paged. */
export function ErrorsPanel() {
  const selected = useSelectedNodeIds();
  const nodeId = selected.length === 1 ? selected[0]! : undefined;
  const runId = useRuns((s) => s.viewedRunId);
  const live = useRuns((s) => (nodeId && s.viewedRunId ? s.runs[s.viewedRunId]?.nodes[nodeId] : undefined));
  if (!nodeId) return <p className="panel-message muted">Select a node to see its failed items.</p>;
  if (!runId || !live) return <p className="panel-message muted">Run the graph (or open a run from the history) to see this node’s failed items.</p>;
  return <NodeErrors key={`${runId}/${nodeId}`} runId={runId} nodeId={nodeId} revision={`${live.state}/${live.failed}`} running={live.state === 'running'} />;
}

function NodeErrors({ runId, nodeId, revision, running }: { runId: string; nodeId: string; revision: string; running: boolean }) {
  const { retryFailed } = useRunActions();
  const [typed, setTyped] = useState('');
  const search = useDebounced(typed, 300);
  const [offset, setOffset] = useState(0);
  const errors = useItemErrors(runId, nodeId, search, offset, revision);
  const page = errors.status === 'loaded' ? errors.page : undefined;
  const total = page?.total ?? 0;
  return (
    <div className="errors-panel">
      <div className="output-bar">
        <input
          type="search"
          placeholder="Search errors and replies…"
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setOffset(0);
          }}
          aria-label="Search failed items"
        />
        <span className="muted" aria-live="polite">
          {page ? `${formatCount(total)} failed item${total === 1 ? '' : 's'}${search ? ' matching' : ''}` : errors.status === 'loading' ? 'loading…' : ''}
        </span>
        {total > ERRORS_PAGE_SIZE && (
          <span className="errors-pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - ERRORS_PAGE_SIZE))}>
              ‹ Previous
            </button>
            {offset + 1}–{Math.min(offset + ERRORS_PAGE_SIZE, total)}
            <button type="button" disabled={offset + ERRORS_PAGE_SIZE >= total} onClick={() => setOffset(offset + ERRORS_PAGE_SIZE)}>
              Next ›
            </button>
          </span>
        )}
        <button
          type="button"
          className="errors-retry"
          disabled={running || !page || (total === 0 && !search)}
          title="Run this node's failed items again, asking the model afresh instead of reusing its cached replies"
          onClick={() => retryFailed(nodeId)}
        >
          Retry failed items
        </button>
      </div>
      {errors.status === 'failed' && <div className="field-error">{errors.message}</div>}
      <div className="panel-scroll">
        {page?.errors.map((error) => <ItemErrorCard key={error.seq} error={error} />)}
        {page && total === 0 && <p className="panel-message muted">{search ? 'No failed item matches.' : 'No failed items in this run.'}</p>}
      </div>
    </div>
  );
}
