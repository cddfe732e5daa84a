import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { ConnectionState } from '../api/index.ts';
import { useServices } from './services.tsx';

/** The engine connection's state, re-rendering on each change. */
export function useConnection(): ConnectionState {
  const { connection } = useServices();
  return useSyncExternalStore(connection.onStateChange, connection.state);
}

/** Whether the engine can be asked now: false while the connection is lost (run controls are disabled then). */
export function useEngineReachable(): boolean {
  return useConnection().status !== 'lost';
}

/** Calls `onRecovered` each time the connection comes back after it was lost (not on the first connect). */
export function useOnReconnect(onRecovered: () => void): void {
  const { connection } = useServices();
  const callback = useRef(onRecovered);
  callback.current = onRecovered;
  useEffect(() => {
    let wasLost = connection.state().status === 'lost';
    return connection.onStateChange((state) => {
      if (state.status === 'open' && wasLost) callback.current();
      wasLost = state.status === 'lost' || (wasLost && state.status === 'connecting');
    });
  }, [connection]);
}
