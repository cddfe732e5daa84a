/**
 * Writes entries in shared transactions: a commit when `maxEntries` are pending or `maxDelayMs` after the first
 * one, whichever comes first. Small commits of randomly keyed rows rewrite whole pages in SQLite's WAL, so grouping
 * is several times faster; a crash loses at most the last `maxDelayMs` of entries.
 */
export class GroupCommit<T> {
  #pending: T[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly commit: (entries: T[]) => void,
    private readonly limits: { maxEntries: number; maxDelayMs: number },
  ) {}

  add(entry: T): void {
    this.#pending.push(entry);
    if (this.#pending.length >= this.limits.maxEntries) this.flush();
    else if (!this.#timer) this.#timer = setTimeout(() => this.flush(), this.limits.maxDelayMs).unref();
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const entries = this.#pending;
    this.#pending = [];
    this.commit(entries);
  }
}
