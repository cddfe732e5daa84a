import type { ItemStore, PortRow, RowCursor } from '../store/items.ts';
import { ChangeNotifier } from './change-notifier.ts';
import type { GrowingOutput } from './growing-output.ts';

/**
 * Readers hear of a growing prefix at most this often: each read commits the item journal first, so reading after
 * every item would turn its grouped commits into one per item. Items then reach downstream in batches.
 */
export const BATCH_MS = 50;

/**
 * A running map node's output as it grows. Its items settle (done, cached or failed) in any order; the contiguous
 * prefix of settled input positions is final, and so are the rows those items produced, in the order the assembled
 * output will have. Downstream map nodes read that prefix from the store as it grows, never from memory.
 */
export class LiveOutput implements GrowingOutput {
  #prefix = 0;
  /** Settled positions past the prefix: at most the node's run-ahead window (see map-runner.ts). */
  readonly #settledAhead = new Set<number>();
  /** Closed once the node assembled its output (and drops the bookkeeping `rows` reads) or stopped. */
  #closed = false;
  readonly #changes = new ChangeNotifier();
  #lastNotified = 0;
  #pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly items: ItemStore,
    readonly runId: string,
    readonly nodeId: string,
  ) {}

  /** Input positions below this are settled. */
  get prefix(): number {
    return this.#prefix;
  }

  get closed(): boolean {
    return this.#closed;
  }

  settle(seq: number): void {
    if (seq !== this.#prefix) {
      this.#settledAhead.add(seq);
      return;
    }
    this.#prefix += 1;
    while (this.#settledAhead.delete(this.#prefix)) this.#prefix += 1;
    this.#notifySoon();
  }

  /** The node goes over its input again: its prefix starts over. */
  restart(): void {
    this.#prefix = 0;
    this.#settledAhead.clear();
  }

  close(): void {
    this.#closed = true;
    this.#notifyNow();
  }

  /** Up to `limit` of `port`'s rows of the settled prefix from `from`; only while open. */
  rows(port: string, from: RowCursor, limit: number): PortRow[] {
    if (this.#closed) throw new Error(`"${this.nodeId}" is no longer running: read its stored output`);
    return this.items.portRows(this.runId, this.nodeId, port, from, this.#prefix, limit);
  }

  /** Resolves when the settled prefix grows or the output closes; rejects when `signal` aborts. */
  nextChange(signal: AbortSignal): Promise<void> {
    return this.#changes.next(signal);
  }

  #notifySoon(): void {
    if (this.#pending) return;
    const wait = this.#lastNotified + BATCH_MS - Date.now();
    if (wait <= 0) this.#notifyNow();
    else this.#pending = setTimeout(() => this.#notifyNow(), wait);
  }

  #notifyNow(): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#lastNotified = Date.now();
    this.#changes.notify();
  }

  /** Resolves once every input position below `seq` is settled. */
  async settledBelow(seq: number, signal: AbortSignal): Promise<void> {
    while (this.#prefix < seq) await this.nextChange(signal);
  }
}
