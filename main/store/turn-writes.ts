import type { Db } from './database.ts';

interface PendingWrite {
  write: () => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes asked for during one turn of the event loop, run together in one transaction at the end of the turn; each
 * caller gets its write's result once that transaction is committed. A caller still waits for its write to be
 * durable, as with a statement of its own, but the writes of a turn (a burst of LLM replies arriving together, the
 * lease claims of the requests they free) share one commit, which costs as much as a hundred small inserts.
 */
export class TurnWrites {
  #pending: PendingWrite[] = [];
  readonly #commit: (writes: PendingWrite[]) => unknown[];

  constructor(db: Db) {
    const transaction = db.transaction((writes: PendingWrite[]) => writes.map(({ write }) => write()));
    // Immediate: a write may read before it writes (a lease claim), so the write lock is taken first.
    this.#commit = (writes) => transaction.immediate(writes);
  }

  /** Runs `write` (synchronous statements) in this turn's transaction; resolves with its result once committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => this.#flush());
      this.#pending.push({ write, resolve: resolve as (result: unknown) => void, reject });
    });
  }

  /** Commits the writes asked for so far in this turn now (the store is closing). */
  flush(): void {
    this.#flush();
  }

  #flush(): void {
    if (this.#pending.length === 0) return; // flushed early
    const writes = this.#pending;
    this.#pending = [];
    let results: unknown[];
    try {
      results = this.#commit(writes);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, i) => write.resolve(results[i]));
  }
}

const perConnection = new WeakMap<Db, TurnWrites>();

/** The turn writes of `db`'s connection, shared by every store on it so that a turn commits once. */
export function turnWrites(db: Db): TurnWrites {
  let writes = perConnection.get(db);
  if (!writes) {
    writes = new TurnWrites(db);
    perConnection.set(db, writes);
  }
  return writes;
}
