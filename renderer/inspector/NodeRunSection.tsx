import { useEffect, useState } from 'react';
import type { Explanation } from '../../main/api/contract.ts';
import { useRuns, useServices } from '../app/services.tsx';
import { totalsRows } from '../runs/format.ts';
import { docToGraph } from '../store/convert.ts';

function Totals({ nodeId }: { nodeId: string }) {
  const live = useRuns((s) => (s.viewedRunId ? s.runs[s.viewedRunId]?.nodes[nodeId] : undefined));
  if (!live) return <p className="muted">Not in the viewed run.</p>;
  return (
    <>
      <dl className="totals">
        <dt>state</dt>
        <dd className={`state-text state-${live.state}`}>{live.state}</dd>
        {live.info && totalsRows(live.info).map(([label, value]) => [<dt key={`${label}-t`}>{label}</dt>, <dd key={`${label}-d`}>{value}</dd>])}
      </dl>
      {live.error && <div className="field-error">{live.error}</div>}
    </>
  );
}

type ExplainState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; explanation: Explanation | undefined } | { kind: 'failed'; message: string };

/** "Why would this re-run": the engine compares the node's cache key with its last run. */
function WhyRerun({ nodeId }: { nodeId: string }) {
  const { engine, editor } = useServices();
  const [state, setState] = useState<ExplainState>({ kind: 'idle' });
  useEffect(() => {
    setState({ kind: 'idle' });
  }, [nodeId]);
  const ask = () => {
    setState({ kind: 'loading' });
    engine.explain(docToGraph(editor.getState()), nodeId).then(
      ([explanation]) => setState({ kind: 'done', explanation }),
      (error: unknown) => setState({ kind: 'failed', message: (error as Error).message }),
    );
  };
  return (
    <div className="why">
      <button type="button" onClick={ask} disabled={state.kind === 'loading'} title="Compare this node with its last run: config, prompts, inputs and files">
        Why would this re-run?
      </button>
      {state.kind === 'failed' && <div className="field-error">{state.message}</div>}
      {state.kind === 'done' &&
        (state.explanation?.cached ? (
          <p className="ok-text">Would come from the cache: nothing it depends on has changed.</p>
        ) : (
          <ul className="changes">
            {state.explanation?.changes.map((change, i) => (
              <li key={i}>
                <span className="tag">{change.kind}</span> {change.message}
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

export function NodeRunSection({ nodeId }: { nodeId: string }) {
  return (
    <section className="inspector-section">
      <h4>Run</h4>
      <Totals nodeId={nodeId} />
      <WhyRerun nodeId={nodeId} />
    </section>
  );
}
