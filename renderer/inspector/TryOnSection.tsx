import { useState } from 'react';
import type { NodeTypeInfo } from '../../main/api/contract.ts';
import { useRuns, useServices } from '../app/services.tsx';
import { NodeProgress } from '../canvas/NodeStatus.tsx';
import { ItemErrorCard } from '../errors/ErrorsPanel.tsx';
import { JsonTree } from '../previews/JsonTree.tsx';
import type { RunView } from '../runs/run-state.ts';
import { useRunActions } from '../runs/use-run-actions.ts';
import { addedFieldsFirst, DEFAULT_TRY_SIZE, fieldNames, finishedText, parseTrySample, type TryPhase, tryPhase } from './try-on.ts';
import { type ItemList, useTryResults } from './use-try-results.ts';
import './try-on.css';

const MAX_SEED = 2 ** 31;

function ItemLine({ value }: { value: unknown }) {
  return (
    <li>
      <details>
        <summary className="mono">{JSON.stringify(value)}</summary>
        <JsonTree value={value} />
      </details>
    </li>
  );
}

function ListBlock({ title, list, className, shown }: { title: string; list: ItemList; className: string; shown: (item: unknown) => unknown }) {
  return (
    <div className={`try-list ${className}`} data-list={list.label}>
      <h5>
        {title} <span className="mono">{list.label}</span> · {list.total}
        {list.total > list.items.length && <span className="muted"> (first {list.items.length})</span>}
      </h5>
      <ol>
        {list.items.map((item, i) => (
          <ItemLine key={i} value={shown(item)} />
        ))}
      </ol>
    </div>
  );
}

/** The try's sampled inputs, the node's outputs (its own fields first) and its failures with the model's reply. */
function TryResultsView({ runId, nodeId, info }: { runId: string; nodeId: string; info: NodeTypeInfo }) {
  const state = useTryResults(runId, nodeId, info);
  if (state.status === 'loading') return <p className="muted">loading the results…</p>;
  if (state.status === 'failed') return <div className="field-error">Cannot read the try’s results: {state.message}</div>;
  const { results } = state;
  const inputFields = fieldNames(results.inputs.flatMap((list) => list.items));
  return (
    <div className="try-results">
      {results.inputs.map((list) => (
        <ListBlock key={list.label} title="Inputs" list={list} className="try-inputs" shown={(item) => item} />
      ))}
      {results.outputs.map((list) => (
        <ListBlock key={list.label} title="→ Outputs" list={list} className="try-outputs" shown={(item) => addedFieldsFirst(item, inputFields)} />
      ))}
      {results.failures.length > 0 && (
        <div className="try-list try-failures">
          <h5>Failed · {results.failures.length}</h5>
          {results.failures.map((failure) => (
            <ItemErrorCard key={failure.seq} error={failure} />
          ))}
        </div>
      )}
    </div>
  );
}

function PhaseLine({ phase, run }: { phase: TryPhase; run: RunView | undefined }) {
  const { runs } = useServices();
  const viewed = useRuns((s) => s.viewedRunId === run?.runId);
  switch (phase.kind) {
    case 'starting':
      return <span className="muted">starting…</span>;
    case 'running':
      return <span>{phase.total === null ? 'running…' : `running ${phase.done}/${phase.total}`}</span>;
    case 'stopped':
      return (
        <span className="field-error">
          {phase.state}
          {phase.message ? `: ${phase.message}` : ''}
        </span>
      );
    case 'finished':
      return (
        <>
          <span className={`state-badge state-${phase.state}`}>{phase.state}</span>
          <span>{finishedText(phase)}</span>
          {run && !viewed && (
            <button type="button" className="link" title="Show this sample run on the canvas and in the output panel" onClick={() => runs.getState().show(run)}>
              view on canvas
            </button>
          )}
        </>
      );
  }
}

/**
 * "Try on N items": runs the node and what it needs on a sample of each source and shows what went in and came out,
 * beside the prompts, so a prompt can be edited and tried again. An unchanged try comes from the cache.
 */
export function TryOnSection({ nodeId, info }: { nodeId: string; info: NodeTypeInfo }) {
  const { tryOn, cancel } = useRunActions();
  const runId = useRuns((s) => s.tryRuns[nodeId]);
  const run = useRuns((s) => (runId ? s.runs[runId] : undefined));
  const [nText, setNText] = useState(String(run?.sample?.n ?? DEFAULT_TRY_SIZE));
  const [seedText, setSeedText] = useState(String(run?.sample?.seed ?? 0));
  const [starting, setStarting] = useState(false);
  const parsed = parseTrySample(nText, seedText);
  const phase = starting ? ({ kind: 'starting' } as const) : tryPhase(run, nodeId);
  const start = () => {
    if (!('sample' in parsed)) return;
    setStarting(true);
    void tryOn(nodeId, parsed.sample).finally(() => setStarting(false));
  };
  const live = run?.nodes[nodeId];
  return (
    <section className="try-on" aria-label="Try on a sample">
      <div className="try-controls">
        <label>
          items <input type="number" min={1} step={1} value={nText} onChange={(e) => setNText(e.target.value)} aria-label="Items to try" />
        </label>
        <label>
          seed <input type="number" min={0} step={1} value={seedText} onChange={(e) => setSeedText(e.target.value)} aria-label="Sample seed" />
        </label>
        <button type="button" title="Choose other items" onClick={() => setSeedText(String(Math.floor(Math.random() * MAX_SEED)))}>
          new seed
        </button>
        {phase.kind === 'running' && run ? (
          <button type="button" onClick={() => cancel(run.runId)}>
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={!('sample' in parsed) || starting}
            title="Run this node and what it needs on a sample of each source; the canvas keeps the run it shows"
            onClick={start}
          >
            ▶ Try on {'sample' in parsed ? parsed.sample.n : '?'} items
          </button>
        )}
      </div>
      {'problem' in parsed && <div className="field-error">{parsed.problem}</div>}
      {(runId || starting) && (
        <div className="try-status" role="status">
          <PhaseLine phase={phase} run={run} />
          {live && <NodeProgress live={live} />}
        </div>
      )}
      {run && (phase.kind === 'finished' || phase.kind === 'stopped') && <TryResultsView key={run.runId} runId={run.runId} nodeId={nodeId} info={info} />}
    </section>
  );
}
