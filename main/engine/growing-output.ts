import type { PortRow, RowCursor } from '../store/items.ts';

/**
 * A running node's output as downstream map nodes read it (InputStream): positions below `prefix` are final, and so are
 * the rows at them; `prefix` only grows until the output closes (the node ended: read its stored output instead).
 * A running map node's items (LiveOutput) and a streaming once-node's written rows (StreamedOutput) both offer it.
 */
export interface GrowingOutput {
  readonly prefix: number;
  readonly closed: boolean;
  /** Up to `limit` of `port`'s rows at positions from `from` below `prefix`, in order; only while open. */
  rows(port: string, from: RowCursor, limit: number): PortRow[];
  /** Resolves when `prefix` grows or the output closes; rejects when `signal` aborts. */
  nextChange(signal: AbortSignal): Promise<void>;
  close(): void;
}
