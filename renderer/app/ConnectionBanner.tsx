import { useEffect, useState } from 'react';
import { ApiError } from '../../main/api/contract.ts';
import { useServices } from './services.tsx';
import { useConnection } from './use-connection.ts';

/** Seconds until `time`, re-rendered each second while counting down. */
function useSecondsUntil(time: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [time]);
  return Math.max(0, Math.ceil((time - now) / 1000));
}

/**
 * Whether the engine answering at this address refuses the page's token: one started on another data dir (another
 * token) came up on the port. Asked over HTTP on each reconnect attempt, since a refused WebSocket only closes.
 */
function useTokenRefused(attempt: number): boolean {
  const { engine } = useServices();
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    let current = true;
    engine.catalog().then(
      () => current && setRefused(false),
      (error: unknown) => current && setRefused(error instanceof ApiError && error.status === 401),
    );
    return () => {
      current = false;
    };
  }, [engine, attempt]);
  return refused;
}

function LostBanner({ attempt, retryAt }: { attempt: number; retryAt: number }) {
  const { connection } = useServices();
  const seconds = useSecondsUntil(retryAt);
  const tokenRefused = useTokenRefused(attempt);
  if (tokenRefused) {
    return (
      <div className="banner banner-error" role="alert" data-testid="connection-lost">
        <strong>The engine at this address does not accept this page’s token.</strong>
        <span>It was started on another data dir: open the address it printed, or start it again on this page’s data dir.</span>
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert" data-testid="connection-lost">
      <strong>The engine is not reachable.</strong>
      <span>
        Running is paused until it is back; nothing in the editor is lost. Reconnecting {seconds > 0 ? `in ${seconds} s` : 'now'} (attempt{' '}
        {attempt})…
      </span>
      <button type="button" onClick={() => connection.reconnectNow()}>
        Reconnect now
      </button>
    </div>
  );
}

/** Says when the engine went away (stopped, restarting) while the page keeps trying to reach it again. */
export function ConnectionBanner() {
  const state = useConnection();
  return state.status === 'lost' ? <LostBanner attempt={state.attempt} retryAt={state.retryAt} /> : null;
}
