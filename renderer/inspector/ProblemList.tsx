import { useServices, useValidation } from '../app/services.tsx';

/** The engine's validation errors and load notices for the whole graph; clicking one selects its node. */
export function ProblemList() {
  const { editor } = useServices();
  const errors = useValidation((s) => s.errors);
  const notices = useValidation((s) => s.notices);
  const failure = useValidation((s) => s.failure);
  if (!failure && errors.length === 0 && notices.length === 0) return <p className="panel-message ok-text">No problems: the graph can run.</p>;
  return (
    <div className="panel-scroll problems">
      {failure && <div className="field-error">Cannot validate: {failure}</div>}
      {errors.map((e, i) => (
        <button key={i} type="button" className="problem" onClick={() => editor.getState().selectOnly([e.nodeId])}>
          <span className="mono">
            {e.nodeId}
            {e.field ? `.${e.field}` : ''}
          </span>{' '}
          {e.message}
        </button>
      ))}
      {notices.map((n, i) => (
        <button key={`n${i}`} type="button" className="problem notice" onClick={() => editor.getState().selectOnly([n.nodeId])}>
          <span className="mono">{n.nodeId}</span> {n.message}
        </button>
      ))}
    </div>
  );
}
