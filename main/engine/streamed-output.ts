import type { PortRow, RowCursor } from '../store/items.ts';
import type { OutputStore, OutputWriter, StoredOutput } from '../store/outputs.ts';
import { ChangeNotifier } from './change-notifier.ts';
import type { GrowingOutput } from './growing-output.ts';
import { BATCH_MS } from './live-output.ts';
import { ProgressThrottle } from './progress-throttle.ts';

/** Where a port's rows lie among all rows written: the engine writes a node's ports one after the other. */
interface PortRange {
  start: number;
  count: number;
}

/**
 * A streaming once-node's output while its writer appends it (`streamsOutput`): every row appended is final, so the
 * readable prefix is every row so far. Positions count the rows of all ports in the order written, a port's rows being
 * one run of them. A read commits the writer's pending rows first; readers hear of new rows at most every `BATCH_MS`,
 * so rows reach them in batches and the writer still commits in groups.
 */
export class StreamedOutput implements GrowingOutput {
  readonly #ranges = new Map<string, PortRange>();
  #current: PortRange | undefined;
  #written = 0;
  #closed = false;
  readonly #changes = new ChangeNotifier();
  readonly #batches = new ProgressThrottle(BATCH_MS, () => this.#changes.notify());

  constructor(
    private readonly outputs: OutputStore,
    private readonly writer: OutputWriter,
  ) {}

  get prefix(): number {
    return this.#written;
  }

  get closed(): boolean {
    return this.#closed;
  }

  append(port: string, value: unknown): void {
    const range = this.#ranges.get(port);
    if (range && range !== this.#current) {
      throw new Error(`output port "${port}" got a row after another port's rows: a streamed output writes one port after the other`);
    }
    this.writer.append(port, value);
    if (range) range.count += 1;
    else {
      this.#current = { start: this.#written, count: 1 };
      this.#ranges.set(port, this.#current);
    }
    this.#written += 1;
    this.#batches.changed();
  }

  finish(): StoredOutput {
    return this.writer.finish();
  }

  close(): void {
    this.#closed = true;
    this.#batches.flush();
  }

  rows(port: string, from: RowCursor, limit: number): PortRow[] {
    if (this.#closed) throw new Error('the node is no longer running: read its stored output');
    const range = this.#ranges.get(port);
    if (!range) return [];
    // A cursor past a row is that row's position and the index after it (InputStream's cursor over map items).
    const first = Math.max(from.seq + from.idx - range.start, 0);
    const count = Math.min(limit, range.count - first);
    if (count <= 0) return [];
    this.writer.commit();
    return this.outputs
      .writtenRows(this.writer.nodeKey, port, first, count)
      .map((data, i) => ({ seq: range.start + first + i, idx: 0, data }));
  }

  nextChange(signal: AbortSignal): Promise<void> {
    return this.#changes.next(signal);
  }
}
