import { useCallback, useRef, useState } from 'react';

/** The latest outcome of an action run on demand: a test, a stop, a list (re)load. */
export type ActionState<T> =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'ok'; result: T }
  | { status: 'failed'; message: string };

/** Runs `action` when the returned function is called; a newer run's outcome replaces an older one still pending. */
export function useAction<T>(action: () => Promise<T>): [ActionState<T>, () => void] {
  const [state, setState] = useState<ActionState<T>>({ status: 'idle' });
  const latest = useRef(0);
  const start = useCallback(() => {
    const run = ++latest.current;
    setState({ status: 'running' });
    action().then(
      (result) => run === latest.current && setState({ status: 'ok', result }),
      (error: unknown) => run === latest.current && setState({ status: 'failed', message: (error as Error).message }),
    );
  }, [action]);
  return [state, start];
}
