import { abortable } from './abort.ts';
import type { LlmRequestLeases, RequestTurn } from './ports.ts';

/** Leases among the callers of one process: a caller of a key another caller holds waits for its release. */
export class LocalLeases implements LlmRequestLeases {
  readonly #held = new Map<string, Promise<void>>();

  async acquire<T>(key: string, signal: AbortSignal, find: () => T | undefined): Promise<RequestTurn<T>> {
    const release = await this.hold(key, signal);
    const found = find();
    if (found === undefined) return { release };
    release();
    return { found };
  }

  /** Resolves once this caller holds `key`; the returned function releases it. */
  async hold(key: string, signal: AbortSignal): Promise<() => void> {
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
