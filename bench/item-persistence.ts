/**
 * Item persistence: N map-item results recorded through the real `ItemStore` as they "finish" (a turn of the event
 * loop every 64 items, as with 64 items in flight), then flushed; against raw better-sqlite3 inserts of the same
 * rows (one prepared insert per row, all in one transaction) into the same schema. Each side gets a fresh database.
 * A diagnostic row runs the same ItemStore without yielding (so one commit): the gap between it and the first row
 * is the cost of committing once per turn.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sha256 } from '../main/engine/cache-key.ts';
import { openDatabase } from '../main/store/database.ts';
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

async function rawInserts(dataDir: string, items: readonly Item[]): Promise<number> {
  const db = openDatabase(dataDir);
  try {
    const insertRow = db.prepare('INSERT INTO item_rows (item_key, port, idx, data) VALUES (?, ?, ?, ?)');
    const insertResult = db.prepare('INSERT INTO item_results (item_key, node_type, created_at) VALUES (?, ?, ?)');
    const insertOrder = db.prepare('INSERT INTO node_items (run_id, node_id, seq, item_key) VALUES (?, ?, ?, ?)');
    const { ms } = await timed(
      db.transaction(() => {
        const now = Date.now();
        items.forEach(({ key, outputs }, seq) => {
          for (const [port, values] of Object.entries(outputs)) {
            values.forEach((value, idx) => insertRow.run(key, port, idx, JSON.stringify(value)));
          }
          insertResult.run(key, NODE_TYPE, now);
          insertOrder.run(RUN_ID, NODE_ID, seq, key);
        });
      }),
    );
    return ms;
  } finally {
    db.close();
  }
}

export async function itemPersistence(): Promise<BenchResult> {
  const items = makeItems(scaled(50_000));
  const storeMs = await withTempDir((dir) => throughItemStore(dir, items, IN_FLIGHT));
  const rawMs = await withTempDir((dir) => rawInserts(dir, items));
  // Diagnostic: the same ItemStore given no turn until the end commits everything in one transaction.
  const oneCommitMs = await withTempDir((dir) => throughItemStore(dir, items, Infinity));
  const ratio = rawMs / storeMs;
  printTable(`Item persistence — ${fmt.int(items.length)} map-item results (1 output row each)`, [
    ['ItemStore (recordResult + flush)', fmt.ms(storeMs), `${fmt.us(storeMs / items.length)} per item, a turn every ${IN_FLIGHT} items`],
    ['raw better-sqlite3, one transaction', fmt.ms(rawMs), `${fmt.us(rawMs / items.length)} per item`],
    ['raw / ItemStore', `${fmt.ratio(ratio, 2)}×`, 'target ≥ 0.5×'],
    ['diagnostic: ItemStore, no turn', fmt.ms(oneCommitMs), `one commit at the end: raw / this = ${fmt.ratio(rawMs / oneCommitMs, 2)}×`],
  ]);
  return { name: 'item-persistence', metric: 'raw time / ItemStore time', value: ratio, display: `${fmt.ratio(ratio, 2)}×`, target: atLeast(0.5, '×') };
}
