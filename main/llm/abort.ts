function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` when `signal` (not yet aborted) aborts; returns the unsubscribe. A run's signal may have
 * thousands of waiters at once: they share one real listener, so subscribing and leaving stay O(1).
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = waiters.get(signal);
  if (!listeners) {
    const created = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        waiters.delete(signal);
        for (const notify of created) notify();
      },
      { once: true },
    );
    waiters.set(signal, created);
    listeners = created;
  }
  const subscribed = listeners;
  subscribed.add(listener);
  return () => void subscribed.delete(listener);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const leave = onAbort(signal, () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    });
    const timer = setTimeout(() => {
      leave();
      resolve();
    }, ms);
  });
}

/** Settles like `promise`, but rejects with the signal's reason as soon as it aborts (the work itself goes on). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise((resolve, reject) => {
    const leave = onAbort(signal, () => reject(abortReason(signal)));
    promise.then(
      (value) => {
        leave();
        resolve(value);
      },
      (error: unknown) => {
        leave();
        reject(error);
      },
    );
  });
}
