import type { PortRow, RowCursor } from '../store/items.ts';
import type { OutputStore, OutputWriter, PortOutput, StoredOutput } from '../store/outputs.ts';
import { ChangeNotifier } from './change-notifier.ts';
import { deferred, type Deferred } from './deferred.ts';
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
 *
 * A port written to its end (`endPort`) may also be read whole by nodes that take it as a side input, while the node
 * writes the ports after it: the video source's `files`, say, before its `videos` are probed.
 */
export class StreamedOutput implements GrowingOutput {
  readonly #ranges = new Map<string, PortRange>();
  #current: PortRange | undefined;
  #written = 0;
  #closed = false;
  readonly #ends = new Map<string, Deferred<PortOutput>>();
  readonly #changes = new ChangeNotifier();
  readonly #batches = new ProgressThrottle(BATCH_MS, () => this.#changes.notify());

  constructor(
    private readonly outputs: OutputStore,
    private readonly writer: OutputWriter,
  ) {}

  get nodeKey(): string {
    return this.writer.nodeKey;
  }

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

  /** `port` has all its rows: its readers may take it whole now. */
  endPort(port: string): void {
    this.#end(port).resolve(this.writer.portOutput(port));
  }

  /** Resolves once `port` is written to its end; never if the node stops first (race it with the node's outcome). */
  portEnded(port: string): Promise<PortOutput> {
    return this.#end(port).promise;
  }

  finish(): StoredOutput {
    const output = this.writer.finish();
    for (const [port, ported] of Object.entries(output.ports)) this.#end(port).resolve(ported);
    return output;
  }

  #end(port: string): Deferred<PortOutput> {
    let end = this.#ends.get(port);
    if (!end) {
      end = deferred<PortOutput>();
      this.#ends.set(port, end);
    }
    return end;
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
