import type { NodeLive } from '../runs/run-state.ts';

function label(live: NodeLive): string {
  switch (live.state) {
    case 'running':
      return live.total !== null ? `running ${live.done}/${live.total}` : live.done > 0 ? `running ${live.done}` : 'running';
    case 'failed':
      return live.failed > 0 ? `failed · ${live.failed} errors` : 'failed';
    case 'done':
      return live.failed > 0 ? `done · ${live.failed} errors` : 'done';
    default:
      return live.state;
  }
}

/** The node's state in the viewed run: a badge, and a progress bar while it runs. */
export function NodeStatusBadge({ live }: { live: NodeLive }) {
  return (
    <span className={`state-badge state-${live.state}`} data-testid="node-state" title={live.error ?? undefined}>
      {label(live)}
    </span>
  );
}

/** The state at the overview zoom, where text is too small to read: the node's top band in the state's colour. */
export function NodeStateMark({ live }: { live: NodeLive }) {
  return <span className={`state-badge state-${live.state} state-mark`} data-testid="node-state" title={live.error ? `${label(live)}: ${live.error}` : label(live)} />;
}

export function NodeProgress({ live }: { live: NodeLive }) {
  if (live.state !== 'running' || !live.total) return null;
  const share = Math.min(1, live.done / live.total);
  return (
    <div className="node-progress" role="progressbar" aria-valuenow={Math.round(share * 100)} aria-valuemin={0} aria-valuemax={100}>
      <div style={{ width: `${share * 100}%` }} />
    </div>
  );
}
