import { createHash } from 'node:crypto';
import type { ItemCollection, StoredOutputInfo, StoredOutputs } from '../../nodes/sdk/index.ts';
import { pagedCollection } from './collection.ts';
import type { Db } from './database.ts';

export interface PortOutput {
  count: number;
  /** sha256 over the port's items in order: what downstream cache keys are made of. */
  hash: string;
}

export interface StoredOutput {
  nodeKey: string;
  ports: Record<string, PortOutput>;
}

export interface RowFilter {
  /** Case-insensitive substring of the item's JSON text. */
  search?: string;
  /** `field=value`, the field a dotted path into the item. */
  where?: string;
}

const WRITE_BATCH = 2000;
/** Filtered totals remembered: a search typed into the output panel is paged without counting again. */
const FILTERED_TOTALS_KEPT = 64;

/** Node outputs, addressed by node key; rows are written in order and read back page by page. */
export class OutputStore implements StoredOutputs {
  readonly #db: Db;
  readonly #get;
  readonly #rows;
  readonly #insertRow;
  readonly #ofTypes;
  readonly #rowIds;
  readonly #row;
  readonly #filteredTotals = new Map<string, number>();

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare<[string], { ports_json: string }>('SELECT ports_json FROM outputs WHERE node_key = ?');
    this.#rows = db.prepare<[string, string, number, number], StoredRow>(
      'SELECT seq, data FROM output_rows WHERE node_key = ? AND port = ? AND seq >= ? ORDER BY seq LIMIT ?',
    );
    // Two runs may write the same output at once: rows of one key are the same in both, so each write is idempotent.
    this.#insertRow = db.prepare('INSERT OR REPLACE INTO output_rows (node_key, port, seq, data) VALUES (?, ?, ?, ?)');
    this.#ofTypes = db.prepare<[string], StoredOutputInfo>(
      'SELECT node_key AS nodeKey, node_type AS nodeType, created_at AS storedAt FROM outputs WHERE node_type IN (SELECT value FROM json_each(?))',
    );
    this.#rowIds = db.prepare<[string, string], { seq: number; id: unknown }>(
      "SELECT seq, json_extract(data, '$.id') AS id FROM output_rows WHERE node_key = ? AND port = ?",
    );
    this.#row = db.prepare<[string, string, number], { data: string }>(
      'SELECT data FROM output_rows WHERE node_key = ? AND port = ? AND seq = ?',
    );
  }

  ofTypes(nodeTypes: readonly string[]): StoredOutputInfo[] {
    return this.#ofTypes.all(JSON.stringify(nodeTypes));
  }

  rowIds(nodeKey: string, port: string): Array<{ seq: number; id: unknown }> {
    return this.#rowIds.all(nodeKey, port);
  }

  row(nodeKey: string, port: string, seq: number): unknown {
    const row = this.#row.get(nodeKey, port, seq);
    return row && (JSON.parse(row.data) as unknown);
  }

  /**
   * Rows of one output whose top-level `fields` hold one of `values` (string ids), at most `limit` of them, in order.
   * A scan of that output's rows (its primary-key range) evaluated in SQLite, so no index has to be kept on writes.
   */
  matching(nodeKey: string, port: string, fields: readonly string[], values: readonly string[], limit: number): Array<{ seq: number; data: unknown }> {
    if (fields.length === 0 || values.length === 0) return [];
    const anyField = fields.map(() => 'json_extract(data, ?) IN (SELECT value FROM json_each(?))').join(' OR ');
    const list = JSON.stringify(values);
    const rows = this.#db
      .prepare(`SELECT seq, data FROM output_rows WHERE node_key = ? AND port = ? AND (${anyField}) ORDER BY seq LIMIT ?`)
      .all(nodeKey, port, ...fields.flatMap((f) => [`$.${f}`, list]), limit) as Array<{ seq: number; data: string }>;
    return rows.map((r) => ({ seq: r.seq, data: JSON.parse(r.data) as unknown }));
  }

  snapshot<T>(reads: () => T): T {
    return this.#db.transaction(reads)();
  }

  get(nodeKey: string): StoredOutput | undefined {
    const row = this.#get.get(nodeKey);
    return row && { nodeKey, ports: JSON.parse(row.ports_json) };
  }

  /**
   * Starts writing the output of `nodeKey` over whatever rows it has: those of a crashed attempt, or of another run
   * writing the same output now. Rows past the new counts are dropped when the output is finished.
   */
  beginWrite(nodeKey: string, nodeType: string, ports: readonly string[]): OutputWriter {
    return new OutputWriter(this.#db, this.#insertRow, nodeKey, nodeType, ports);
  }

  /** Rows as stored (JSON text), for hashing items without parsing them. */
  rawPage(output: StoredOutput, port: string, offset: number, limit: number): string[] {
    const count = output.ports[port]?.count ?? 0;
    return this.writtenRows(output.nodeKey, port, offset, Math.max(0, Math.min(limit, count - offset)));
  }

  /** Rows of an output still being written, from `offset`: only below what its writer committed are they its own. */
  writtenRows(nodeKey: string, port: string, offset: number, limit: number): string[] {
    return this.#rows.all(nodeKey, port, offset, limit).map((r) => r.data);
  }

  collection<T>(output: StoredOutput, port: string): ItemCollection<T> {
    return pagedCollection(output.ports[port]?.count ?? 0, (offset, limit) =>
      this.rawPage(output, port, offset, limit).map((data) => JSON.parse(data) as T),
    );
  }

  /**
   * One page of a port's rows, optionally filtered; `total` counts the matching rows. Unfiltered, a row's `seq` is its
   * position, so a page is a range of the primary key and the total is the stored count: no scan, however deep the
   * page. A filtered total is counted once per filter (an output's rows never change under its key).
   */
  page(output: StoredOutput, port: string, filter: RowFilter, offset: number, limit: number) {
    const { clause, params } = filterClause(filter);
    if (!clause) {
      const total = output.ports[port]?.count ?? 0;
      const rows = this.#rows.all(output.nodeKey, port, offset, Math.max(0, Math.min(limit, total - offset)));
      return { total, items: parsedRows(rows) };
    }
    const base = `FROM output_rows WHERE node_key = ? AND port = ?${clause}`;
    const countKey = JSON.stringify([output.nodeKey, port, params]);
    const total = this.#filteredTotals.get(countKey) ?? (this.#db.prepare(`SELECT count(*) AS n ${base}`).get(output.nodeKey, port, ...params) as { n: number }).n;
    rememberBounded(this.#filteredTotals, countKey, total, FILTERED_TOTALS_KEPT);
    const rows = this.#db
      .prepare(`SELECT seq, data ${base} ORDER BY seq LIMIT ? OFFSET ?`)
      .all(output.nodeKey, port, ...params, limit, offset) as StoredRow[];
    return { total, items: parsedRows(rows) };
  }
}

interface StoredRow {
  seq: number;
  data: string;
}

function parsedRows(rows: readonly StoredRow[]): Array<{ seq: number; data: unknown }> {
  return rows.map((r) => ({ seq: r.seq, data: JSON.parse(r.data) as unknown }));
}

/** Sets `key` as the newest entry of `map`, dropping the oldest beyond `limit`. */
function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
}

function filterClause(filter: RowFilter): { clause: string; params: unknown[] } {
  let clause = '';
  const params: unknown[] = [];
  if (filter.search) {
    clause += " AND data LIKE ? ESCAPE '\\'";
    params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.where) {
    const match = /^\s*([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*=\s*(.*)$/.exec(filter.where);
    if (!match) throw new RangeError(`"where" must look like field=value or a.b=value, got ${JSON.stringify(filter.where)}`);
    const [, field, text] = match as unknown as [string, string, string];
    const value = sqlValue(text.trim());
    clause += value === null ? ' AND json_extract(data, ?) IS NULL' : ' AND json_extract(data, ?) = ?';
    params.push(`$.${field}`);
    if (value !== null) params.push(value);
  }
  return { clause, params };
}

/** How a `where` value compares with what `json_extract` returns (booleans come back as 1/0). */
function sqlValue(text: string): string | number | null {
  if (text === 'null') return null;
  if (text === 'true') return 1;
  if (text === 'false') return 0;
  if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  return text.replace(/^"(.*)"$/, '$1');
}

/** Appends a node's output rows in batches and hashes them as they pass, so no output is held in memory whole. */
export class OutputWriter {
  readonly #counts = new Map<string, number>();
  readonly #hashes = new Map<string, ReturnType<typeof createHash>>();
  #pending: Array<[string, string, number, string]> = [];
  readonly #flushBatch;

  constructor(
    private readonly db: Db,
    insertRow: ReturnType<Db['prepare']>,
    readonly nodeKey: string,
    private readonly nodeType: string,
    ports: readonly string[],
  ) {
    for (const port of ports) {
      this.#counts.set(port, 0);
      this.#hashes.set(port, createHash('sha256'));
    }
    this.#flushBatch = db.transaction((rows: Array<[string, string, number, string]>) => {
      for (const row of rows) insertRow.run(row);
    });
  }

  append(port: string, value: unknown): void {
    this.appendJson(port, JSON.stringify(value));
  }

  /** Appends an item already serialised as JSON text. */
  appendJson(port: string, data: string): void {
    const seq = this.#counts.get(port);
    if (seq === undefined) throw new Error(`node has no output port "${port}"`);
    this.#counts.set(port, seq + 1);
    this.#hashes.get(port)!.update(data).update('\n');
    this.#pending.push([this.nodeKey, port, seq, data]);
    if (this.#pending.length >= WRITE_BATCH) this.commit();
  }

  /** A port's rows so far, committed, with their count and hash: what a reader gets of a port written to its end. */
  portOutput(port: string): PortOutput {
    const count = this.#counts.get(port);
    if (count === undefined) throw new Error(`node has no output port "${port}"`);
    this.commit();
    return { count, hash: this.#hashes.get(port)!.copy().digest('hex') };
  }

  /** Makes the output visible under its key, without rows an earlier attempt left past its end. */
  finish(): StoredOutput {
    this.commit();
    const ports: Record<string, PortOutput> = {};
    for (const [port, count] of this.#counts) ports[port] = { count, hash: this.#hashes.get(port)!.digest('hex') };
    const trim = this.db.prepare('DELETE FROM output_rows WHERE node_key = ? AND port = ? AND seq >= ?');
    this.db.transaction(() => {
      for (const [port, count] of this.#counts) trim.run(this.nodeKey, port, count);
      this.db
        .prepare('INSERT OR REPLACE INTO outputs (node_key, node_type, ports_json, created_at) VALUES (?, ?, ?, ?)')
        .run(this.nodeKey, this.nodeType, JSON.stringify(ports), Date.now());
    })();
    return { nodeKey: this.nodeKey, ports };
  }

  /** Writes the rows appended so far (not yet visible under the key: `finish` does that). */
  commit(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#pending = [];
    this.#flushBatch(rows);
  }
}
