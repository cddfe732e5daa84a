import type { Db } from './database.ts';
import { GroupCommit } from './group-commit.ts';

type PortRows = Record<string, unknown[]>;

/** A row of a map node's result: its input position, its index among that item's rows of the port, its JSON. */
export interface RowCursor {
  seq: number;
  idx: number;
}
export interface PortRow extends RowCursor {
  data: string;
}

type JournalEntry =
  | { kind: 'hit'; runId: string; nodeId: string; seq: number; itemKey: string }
  | { kind: 'result'; runId: string; nodeId: string; seq: number; itemKey: string; nodeType: string; outputs: PortRows }
  | { kind: 'error'; runId: string; nodeId: string; seq: number; message: string; raw: string | null }
  | { kind: 'clear-error'; runId: string; nodeId: string; seq: number };

/**
 * Per-item results of map nodes, committed in groups within 50 ms of finishing: a run killed with SIGKILL resumes
 * with every item finished before that cached (and the LLM replies of the rest, which the LLM cache commits at once).
 */
export class ItemStore {
  readonly #db: Db;
  readonly #has;
  readonly #cachedAmong;
  readonly #assembled;
  readonly #results;
  readonly #journal: GroupCommit<JournalEntry>;

  constructor(db: Db) {
    this.#db = db;
    this.#has = db.prepare<[string], { found: number }>('SELECT 1 AS found FROM item_outputs WHERE item_key = ?').pluck();
    this.#cachedAmong = db
      .prepare<[string], string>('SELECT item_key FROM item_outputs WHERE item_key IN (SELECT value FROM json_each(?))')
      .pluck();
    const insertOrder = db.prepare('INSERT OR REPLACE INTO node_items (run_id, node_id, seq, item_key) VALUES (?, ?, ?, ?)');
    const insertResult = db.prepare(
      'INSERT OR REPLACE INTO item_outputs (item_key, node_type, created_at, outputs_json) VALUES (?, ?, ?, ?)',
    );
    const insertError = db.prepare(
      'INSERT OR REPLACE INTO item_errors (run_id, node_id, seq, message, raw) VALUES (?, ?, ?, ?, ?)',
    );
    const deleteError = db.prepare('DELETE FROM item_errors WHERE run_id = ? AND node_id = ? AND seq = ?');
    const commit = db.transaction((entries: JournalEntry[]) => {
      const now = Date.now();
      for (const entry of entries) {
        if (entry.kind === 'error') {
          insertError.run(entry.runId, entry.nodeId, entry.seq, entry.message, entry.raw);
          continue;
        }
        if (entry.kind === 'clear-error') {
          deleteError.run(entry.runId, entry.nodeId, entry.seq);
          continue;
        }
        if (entry.kind === 'result') insertResult.run(entry.itemKey, entry.nodeType, now, JSON.stringify(entry.outputs));
        insertOrder.run(entry.runId, entry.nodeId, entry.seq, entry.itemKey);
      }
    });
    this.#journal = new GroupCommit(commit, { maxEntries: 4096, maxDelayMs: 50 });
    this.#assembled = db
      .prepare<[string, string, number, number], string>(
        `SELECT o.outputs_json FROM node_items n JOIN item_outputs o ON o.item_key = n.item_key
         WHERE n.run_id = ? AND n.node_id = ? AND n.seq >= ? AND n.seq < ? ORDER BY n.seq`,
      )
      .pluck();
    this.#results = db.prepare<[string, string, number, number, number], { seq: number; outputs_json: string }>(
      `SELECT n.seq, o.outputs_json FROM node_items n JOIN item_outputs o ON o.item_key = n.item_key
       WHERE n.run_id = ? AND n.node_id = ? AND n.seq >= ? AND n.seq < ? ORDER BY n.seq LIMIT ?`,
    );
  }

  has(itemKey: string): boolean {
    return this.#has.get(itemKey) !== undefined;
  }

  /** Those of `itemKeys` that have a result. */
  cachedAmong(itemKeys: readonly string[]): Set<string> {
    return new Set(this.#cachedAmong.all(JSON.stringify(itemKeys)));
  }

  recordHit(runId: string, nodeId: string, seq: number, itemKey: string): void {
    this.#append({ kind: 'hit', runId, nodeId, seq, itemKey });
  }

  recordResult(runId: string, nodeId: string, seq: number, itemKey: string, nodeType: string, outputs: PortRows): void {
    this.#append({ kind: 'result', runId, nodeId, seq, itemKey, nodeType, outputs });
  }

  recordError(runId: string, nodeId: string, seq: number, message: string, raw: string | null): void {
    this.#append({ kind: 'error', runId, nodeId, seq, message, raw });
  }

  /** Forgets an item's error: it ran again (its joined side input changed) and its new result follows. */
  clearError(runId: string, nodeId: string, seq: number): void {
    this.#append({ kind: 'clear-error', runId, nodeId, seq });
  }

  /** Commits whatever is pending now. */
  flush(): void {
    this.#journal.flush();
  }

  /**
   * Rows of a node run's results in input order (each port's values in the order the item returned them), `chunk`
   * input positions at a time. `data` is the value's JSON text, as `JSON.stringify` wrote it.
   */
  *assembledRows(runId: string, nodeId: string, inputCount: number, chunk = 2000): Generator<{ port: string; data: string }> {
    this.flush();
    for (let from = 0; from < inputCount; from += chunk) {
      for (const outputsJson of this.#assembled.all(runId, nodeId, from, from + chunk)) {
        for (const [port, values] of Object.entries(JSON.parse(outputsJson) as PortRows)) {
          for (const value of values) yield { port, data: JSON.stringify(value) };
        }
      }
    }
  }

  /**
   * Up to `limit` of one port's rows, in assembled order, from row `from.idx` of the result at input position
   * `from.seq` up to (not including) input position `to`.
   */
  portRows(runId: string, nodeId: string, port: string, from: RowCursor, to: number, limit: number): PortRow[] {
    this.flush();
    const rows: PortRow[] = [];
    let seq = from.seq;
    while (rows.length < limit && seq < to) {
      const results = this.#results.all(runId, nodeId, seq, to, limit);
      for (const result of results) {
        const values = (JSON.parse(result.outputs_json) as PortRows)[port] ?? [];
        for (let idx = result.seq === from.seq ? from.idx : 0; idx < values.length && rows.length < limit; idx++) {
          rows.push({ seq: result.seq, idx, data: JSON.stringify(values[idx]) });
        }
      }
      if (results.length < limit) break;
      seq = results.at(-1)!.seq + 1;
    }
    return rows;
  }

  /** Forgets a node run's input positions and item errors, to go over its input again (the item results stay as cache). */
  restart(runId: string, nodeId: string): void {
    this.release(runId, nodeId);
    this.#db.prepare('DELETE FROM item_errors WHERE run_id = ? AND node_id = ?').run(runId, nodeId);
  }

  /** Drops the input-order bookkeeping of a finished node run (the item results stay as cache). */
  release(runId: string, nodeId: string): void {
    this.flush();
    this.#db.prepare('DELETE FROM node_items WHERE run_id = ? AND node_id = ?').run(runId, nodeId);
  }

  /** A page of a node run's item errors in input order; `search` is text the message or raw reply contains (any case). */
  errors(runId: string, nodeId: string, offset: number, limit: number, search?: string) {
    this.flush();
    const matching = search
      ? ` AND (instr(lower(message), lower(@search)) > 0 OR instr(lower(coalesce(raw, '')), lower(@search)) > 0)`
      : '';
    const base = `FROM item_errors WHERE run_id = @runId AND node_id = @nodeId${matching}`;
    const params = { runId, nodeId, ...(search ? { search } : {}) };
    const total = (this.#db.prepare(`SELECT count(*) AS n ${base}`).get(params) as { n: number }).n;
    const errors = this.#db
      .prepare(`SELECT seq, message, raw ${base} ORDER BY seq LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as Array<{ seq: number; message: string; raw: string | null }>;
    return { total, offset, errors };
  }

  #append(entry: JournalEntry): void {
    this.#journal.add(entry);
  }
}
