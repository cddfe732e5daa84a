import { useEffect, useState } from 'react';
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

function LostBanner({ attempt, retryAt }: { attempt: number; retryAt: number }) {
  const { connection } = useServices();
  const seconds = useSecondsUntil(retryAt);
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
