/** Wakes everyone waiting for the next change of something that grows (a node's output, a side input's index). */
export class ChangeNotifier {
  #waiting: Array<() => void> = [];

  /** Resolves at the next `notify()`; rejects when `signal` aborts. */
  next(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  notify(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }
}
