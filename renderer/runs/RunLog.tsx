import { useEffect, useRef } from 'react';
import { useRuns, useServices } from '../app/services.tsx';
import { formatTime } from './format.ts';

const SHOWN = 1000;

/** Run events as log lines, newest at the bottom; clicking a node id selects the node. */
export function RunLog() {
  const { editor } = useServices();
  const log = useRuns((s) => s.log);
  const panel = useRef<HTMLDivElement>(null);
  // Follows the newest line (scrolling the panel only, never the page).
  useEffect(() => {
    if (panel.current) panel.current.scrollTop = panel.current.scrollHeight;
  }, [log]);
  if (log.length === 0) return <p className="panel-message muted">Run events appear here.</p>;
  return (
    <div className="panel-scroll run-log mono" data-testid="run-log" ref={panel}>
      {log.slice(-SHOWN).map((entry, i) => (
        <div key={i} className={`log-${entry.level}`}>
          <span className="muted">{formatTime(entry.at)}</span>{' '}
          {entry.nodeId && (
            <button type="button" className="link" onClick={() => editor.getState().selectOnly([entry.nodeId!])}>
              {entry.nodeId}
            </button>
          )}{' '}
          {entry.message}
        </div>
      ))}
    </div>
  );
}
