/**
 * Item persistence: N map-item results recorded through the real `ItemStore` as they "finish" (a turn of the event
 * loop every 64 items, as with 64 items in flight), then flushed; against raw better-sqlite3 inserts of the same
 * results, all in one transaction, in the straightforward layout: a row per output value, a row per result and a row
 * per input position (one prepared insert each). Each side gets a fresh database.
 * Diagnostics: the same ItemStore without yielding (so one commit; the gap to the first row is the cost of committing
 * once per turn), and raw inserts of ItemStore's own rows in one transaction (what its layout alone costs).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sha256 } from '../main/engine/cache-key.ts';
import { openDatabase, type Db } from '../main/store/database.ts';
import { ItemStore } from '../main/store/items.ts';
import { atLeast, fmt, printTable, scaled, timed, withTempDir, type BenchResult } from './support.ts';

const IN_FLIGHT = 64;
const RUN_ID = 'bench-run';
const NODE_ID = 'bench-node';
const NODE_TYPE = 'core.filter';

interface Item {
  key: string;
  outputs: Record<string, unknown[]>;
}

function makeItems(count: number): Item[] {
  return Array.from({ length: count }, (_, n) => ({
    key: sha256(`item ${n}`),
    outputs: { kept: [{ n, text: `item number ${n}`, tags: ['bench', 'persist'] }] },
  }));
}

/** Records every item through `ItemStore`, yielding a turn of the event loop every `turnEvery` items, then flushes. */
async function throughItemStore(dataDir: string, items: readonly Item[], turnEvery: number): Promise<number> {
  const db = openDatabase(dataDir);
  try {
    const store = new ItemStore(db);
    const { ms } = await timed(async () => {
      for (let seq = 0; seq < items.length; seq++) {
        store.recordResult(RUN_ID, NODE_ID, seq, items[seq]!.key, NODE_TYPE, items[seq]!.outputs);
        if (seq % turnEvery === turnEvery - 1) await nextTurn();
      }
      store.flush();
    });
    return ms;
  } finally {
    db.close();
  }
}

/** Milliseconds to insert every item with the inserter `prepare` makes, in one transaction, into a fresh run store. */
async function rawInserts(dataDir: string, items: readonly Item[], prepare: (db: Db) => (item: Item, seq: number, now: number) => void): Promise<number> {
  const db = openDatabase(dataDir);
  try {
    const insert = prepare(db);
    const { ms } = await timed(
      db.transaction(() => {
        const now = Date.now();
        items.forEach((item, seq) => insert(item, seq, now));
      }),
    );
    return ms;
  } finally {
    db.close();
  }
}

/** A row per output value, per result and per input position: the reference layout. */
function straightforwardLayout(db: Db) {
  db.exec(`
    CREATE TABLE bench_results (item_key TEXT PRIMARY KEY, node_type TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE bench_rows (item_key TEXT NOT NULL, port TEXT NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL,
      PRIMARY KEY (item_key, port, idx)) WITHOUT ROWID;`);
  const insertRow = db.prepare('INSERT INTO bench_rows (item_key, port, idx, data) VALUES (?, ?, ?, ?)');
  const insertResult = db.prepare('INSERT INTO bench_results (item_key, node_type, created_at) VALUES (?, ?, ?)');
  const insertOrder = db.prepare('INSERT INTO node_items (run_id, node_id, seq, item_key) VALUES (?, ?, ?, ?)');
  return ({ key, outputs }: Item, seq: number, now: number) => {
    for (const [port, values] of Object.entries(outputs)) {
      values.forEach((value, idx) => insertRow.run(key, port, idx, JSON.stringify(value)));
    }
    insertResult.run(key, NODE_TYPE, now);
    insertOrder.run(RUN_ID, NODE_ID, seq, key);
  };
}

/** ItemStore's own rows: one per result, one per input position. */
function itemStoreLayout(db: Db) {
  const insertResult = db.prepare('INSERT INTO item_outputs (item_key, node_type, created_at, outputs_json) VALUES (?, ?, ?, ?)');
  const insertOrder = db.prepare('INSERT INTO node_items (run_id, node_id, seq, item_key) VALUES (?, ?, ?, ?)');
  return ({ key, outputs }: Item, seq: number, now: number) => {
    insertResult.run(key, NODE_TYPE, now, JSON.stringify(outputs));
    insertOrder.run(RUN_ID, NODE_ID, seq, key);
  };
}

export async function itemPersistence(): Promise<BenchResult> {
  const items = makeItems(scaled(50_000));
  const storeMs = await withTempDir((dir) => throughItemStore(dir, items, IN_FLIGHT));
  const rawMs = await withTempDir((dir) => rawInserts(dir, items, straightforwardLayout));
  const oneCommitMs = await withTempDir((dir) => throughItemStore(dir, items, Infinity));
  const sameLayoutMs = await withTempDir((dir) => rawInserts(dir, items, itemStoreLayout));
  const ratio = rawMs / storeMs;
  printTable(`Item persistence — ${fmt.int(items.length)} map-item results (1 output row each)`, [
    ['ItemStore (recordResult + flush)', fmt.ms(storeMs), `${fmt.us(storeMs / items.length)} per item, a turn every ${IN_FLIGHT} items`],
    ['raw better-sqlite3, one transaction', fmt.ms(rawMs), `${fmt.us(rawMs / items.length)} per item, a row per value, result and position`],
    ['raw / ItemStore', `${fmt.ratio(ratio, 2)}×`, 'target ≥ 0.5×'],
    ['diagnostic: ItemStore, no turn', fmt.ms(oneCommitMs), `one commit at the end: raw / this = ${fmt.ratio(rawMs / oneCommitMs, 2)}×`],
    ['diagnostic: raw, ItemStore layout', fmt.ms(sameLayoutMs), `its rows in one transaction: this / ItemStore = ${fmt.ratio(sameLayoutMs / storeMs, 2)}×`],
  ]);
  return { name: 'item-persistence', metric: 'raw time / ItemStore time', value: ratio, display: `${fmt.ratio(ratio, 2)}×`, target: atLeast(0.5, '×') };
}
