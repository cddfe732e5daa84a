import { progressText } from '../../main/api/progress-text.ts';
import type { NodeLive } from '../runs/run-state.ts';
import { progressBar } from './progress-bar.ts';

function label(live: NodeLive): string {
  switch (live.state) {
    case 'running':
      return live.total !== null || live.available > 0 ? `running ${progressText(live.done, live.available, live.total)}` : 'running';
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
  if (live.state !== 'running') return null;
  const bar = progressBar(live.done, live.available, live.total);
  const text = live.total !== null || live.available > 0 ? progressText(live.done, live.available, live.total) : 'working';
  if (bar.kind === 'indeterminate') {
    return (
      <div className="node-progress indeterminate" role="progressbar" aria-valuetext={text} data-testid="node-progress">
        <div />
      </div>
    );
  }
  const percent = (share: number) => `${share * 100}%`;
  return (
    <div
      className={`node-progress${bar.growing ? ' growing' : ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(bar.done * 100)}
      aria-valuetext={text}
      data-testid="node-progress"
    >
      {bar.growing && <div className="available" style={{ width: percent(bar.available) }} />}
      <div className="done" style={{ width: percent(bar.done) }} />
    </div>
  );
}
