import { abortable } from './abort.ts';
import type { LlmRequestLeases } from './ports.ts';

/** Leases among the callers of one process: a caller of a key another caller holds waits for its release. */
export class LocalLeases implements LlmRequestLeases {
  readonly #held = new Map<string, Promise<void>>();

  async acquire(key: string, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    for (let holder = this.#held.get(key); holder; holder = this.#held.get(key)) await abortable(holder, signal);
    let release!: () => void;
    const lease = new Promise<void>((resolve) => (release = resolve));
    this.#held.set(key, lease);
    return () => {
      if (this.#held.get(key) !== lease) return; // released already
      this.#held.delete(key);
      release();
    };
  }
}
