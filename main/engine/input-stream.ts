import { createHash, type Hash } from 'node:crypto';
import type { RowCursor } from '../store/items.ts';
import type { OutputStore, StoredOutput } from '../store/outputs.ts';
import type { GrowingOutput } from './growing-output.ts';

/** One upstream port feeding an input of a map node: a finished output, or a node still running whose output grows. */
export type StreamSource = { nodeId: string; port: string } & (
  | { output: StoredOutput }
  /** `outcome` resolves with the node's output when it succeeds, `undefined` when it fails, is skipped or cancelled. */
  | { live: GrowingOutput; outcome: Promise<StoredOutput | undefined> }
);

/** A streamed upstream ended without an output: the node consuming it is skipped, as a barrier run would skip it. */
export class UpstreamNotDone extends Error {
  constructor(readonly nodeId: string) {
    super(`"${nodeId}" did not finish`);
  }
}

/** Safe on anything a node may throw (a proxy whose prototype lookup throws included). */
export function isUpstreamNotDone(thrown: unknown): thrown is UpstreamNotDone {
  try {
    return thrown instanceof UpstreamNotDone;
  } catch {
    return false;
  }
}

const PAGE_ROWS = 1000;

/**
 * The rows of an input port of a map node (its mapped input, or a joined side input) in edge order, read page by
 * page from the store: from finished outputs,
 * and from running nodes' growing outputs. A page is the most rows held in memory at once.
 * Sources are read one after the other, so a later source's rows wait for the earlier sources to finish: an item's
 * position (its seq) must be the one the barrier run gives it, and that needs the earlier sources' counts.
 */
export class InputStream {
  /** Per source: its final output once known. */
  readonly #final: Array<StoredOutput | undefined>;
  /** Per source: rows read so far. */
  readonly #read: number[];
  /** Per running source: the hash of the rows read, as its output's port hash is made. */
  readonly #readHashes: Array<Hash | undefined>;
  #consistent = true;

  constructor(
    private readonly outputs: OutputStore,
    readonly sources: readonly StreamSource[],
    private readonly signal: AbortSignal,
    private readonly pageRows = PAGE_ROWS,
  ) {
    this.#final = sources.map((s) => ('output' in s ? s.output : undefined));
    this.#read = sources.map(() => 0);
    this.#readHashes = sources.map((s) => ('live' in s ? createHash('sha256') : undefined));
  }

  /**
   * False when rows read from a running source differ from its final output: an item of it ran again after it was
   * read (its joined group grew). What was computed from this input must then be computed again from `replay()`.
   */
  get consistent(): boolean {
    return this.#consistent;
  }

  /** The same input read again from the sources' final outputs; only once `pages()` is done. */
  replay(): InputStream {
    const sources = this.sources.map(({ nodeId, port }, i) => ({ nodeId, port, output: this.#final[i]! }));
    return new InputStream(this.outputs, sources, this.signal, this.pageRows);
  }

  /** Rows known to exist so far: finished sources whole, running ones as far as they were read. */
  get available(): number {
    return this.sources.reduce((sum, s, i) => sum + (countOf(this.#final[i], s.port) ?? this.#read[i]!), 0);
  }

  /** The number of rows, once every source has finished. */
  get total(): number | null {
    let total = 0;
    for (const [i, s] of this.sources.entries()) {
      const count = countOf(this.#final[i], s.port);
      if (count === undefined) return null;
      total += count;
    }
    return total;
  }

  /** The final outputs' port hashes in edge order (what the node key is made of); only once `pages()` is done. */
  hashes(): string[] {
    return this.sources.map((s, i) => {
      const output = this.#final[i];
      if (!output) throw new Error(`the input from "${s.nodeId}" is not complete yet`);
      return output.ports[s.port]?.hash ?? '';
    });
  }

  async *pages(): AsyncGenerator<string[]> {
    for (const [i, source] of this.sources.entries()) {
      if ('live' in source) yield* this.#livePages(i, source.live, source.port);
      const output = 'live' in source ? await source.outcome : source.output;
      if (!output) throw new UpstreamNotDone(source.nodeId);
      this.#final[i] = output;
      const count = countOf(output, source.port) ?? 0;
      while (this.#read[i]! < count) {
        const page = this.outputs.rawPage(output, source.port, this.#read[i]!, this.pageRows);
        this.#consumed(i, page);
        yield page;
      }
      const readHash = this.#readHashes[i]?.digest('hex');
      if (readHash !== undefined && readHash !== output.ports[source.port]?.hash) this.#consistent = false;
    }
  }

  #consumed(i: number, rows: readonly string[]): void {
    this.#read[i]! += rows.length;
    const hash = this.#readHashes[i];
    if (hash) for (const row of rows) hash.update(row).update('\n');
  }

  /** The settled prefix of a running node as it grows, until the node closes (the rest is then in its output). */
  async *#livePages(i: number, live: GrowingOutput, port: string): AsyncGenerator<string[]> {
    let cursor: RowCursor = { seq: 0, idx: 0 };
    while (!live.closed) {
      if (live.prefix <= cursor.seq) {
        await live.nextChange(this.signal);
        continue;
      }
      const prefix = live.prefix;
      const rows = live.rows(port, cursor, this.pageRows);
      const last = rows.at(-1);
      cursor = rows.length < this.pageRows || !last ? { seq: prefix, idx: 0 } : { seq: last.seq, idx: last.idx + 1 };
      const page = rows.map((r) => r.data);
      this.#consumed(i, page);
      if (page.length) yield page;
    }
  }
}

function countOf(output: StoredOutput | undefined, port: string): number | undefined {
  return output && (output.ports[port]?.count ?? 0);
}
