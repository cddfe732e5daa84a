import { createHash } from 'node:crypto';
import type { ItemCollection, JoinSpec } from '../../nodes/sdk/index.ts';
import { lookupPath } from '../../nodes/sdk/template.ts';
import { pagedCollection } from '../store/collection.ts';
import { ChangeNotifier } from './change-notifier.ts';
import type { InputStream } from './input-stream.ts';

type IndexState = { kind: 'growing' } | { kind: 'final' } | { kind: 'failed'; reason: unknown };

/** The side items one mapped item sees on each joined port, and what its item key holds of them. */
export interface JoinedGroups {
  collections: Record<string, ItemCollection<unknown>>;
  /** Each port's group hash, as a line per port: part of the item key instead of the whole side input's hash. */
  key: string;
  /** False while some group may still grow: the item is checked again once its side inputs are complete. */
  final: boolean;
}

/** The string a joined field is matched by (as `ItemCollection.groupBy` keys its groups). */
function groupValue(item: unknown, field: string): string {
  return String(lookupPath(item, field));
}

/**
 * A joined side input (a port with `join`), indexed by its `field` as its rows arrive: a finished output at once, a
 * running map node's settled prefix as it grows. Holds the side input's rows, as `groupBy` did for the node.
 */
export class JoinedSide {
  readonly #groups = new Map<string, string[]>();
  /** The value of the last row indexed. */
  #last: string | undefined;
  #state: IndexState = { kind: 'growing' };
  readonly #changes = new ChangeNotifier();

  constructor(
    readonly port: string,
    readonly spec: JoinSpec,
    readonly input: InputStream,
  ) {
    void this.#index();
  }

  async #index(): Promise<void> {
    try {
      await this.#indexRows(this.input);
      if (!this.input.consistent) {
        // Rows read early changed since: index the final rows instead.
        this.#groups.clear();
        await this.#indexRows(this.input.replay());
      }
      this.#state = { kind: 'final' };
    } catch (reason) {
      this.#state = { kind: 'failed', reason };
    }
    this.#changes.notify();
  }

  async #indexRows(input: InputStream): Promise<void> {
    for await (const page of input.pages()) {
      for (const row of page) {
        const value = groupValue(JSON.parse(row), this.spec.field);
        const group = this.#groups.get(value);
        if (group) group.push(row);
        else this.#groups.set(value, [row]);
        this.#last = value;
      }
      this.#changes.notify();
    }
  }

  /**
   * The side rows whose `field` equals `value`, once known: at once when the side input is complete; before that,
   * once a row of another value followed the group's rows. Side inputs follow their source's order (a video's
   * captions, then the next video's), so the group is then complete; a guess that `final: false` marks for checking.
   */
  async group(value: string, signal: AbortSignal): Promise<{ rows: readonly string[]; final: boolean }> {
    for (;;) {
      if (this.#state.kind === 'failed') throw this.#state.reason;
      const rows = this.#groups.get(value);
      if (this.#state.kind === 'final') return { rows: rows ?? [], final: true };
      if (rows && this.#last !== value) return { rows: [...rows], final: false };
      await this.#changes.next(signal);
    }
  }

  /** Resolves once the side input is complete; rejects as it does when its upstream did not finish. */
  async complete(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (this.#state.kind === 'failed') throw this.#state.reason;
      if (this.#state.kind === 'final') return;
      await this.#changes.next(signal);
    }
  }
}

/** The groups `item` sees on every joined port. */
export async function joinedGroups(sides: readonly JoinedSide[], item: unknown, signal: AbortSignal): Promise<JoinedGroups> {
  const collections: Record<string, ItemCollection<unknown>> = {};
  const lines: string[] = [];
  let final = true;
  for (const side of sides) {
    const group = await side.group(groupValue(item, side.spec.itemField), signal);
    collections[side.port] = pagedCollection(group.rows.length, (offset, limit) =>
      group.rows.slice(offset, offset + limit).map((row) => JSON.parse(row) as unknown),
    );
    const hash = createHash('sha256');
    for (const row of group.rows) hash.update(row).update('\n');
    lines.push(`${side.port}=${hash.digest('hex')}`);
    final &&= group.final;
  }
  return { collections, key: lines.join('\n'), final };
}
