import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openDatabase, type Db } from '../../main/store/database.ts';
import { ItemStore } from '../../main/store/items.ts';
import { tempDir } from '../support/engine-fixture.ts';

/** Values whose JSON text must come back byte for byte: float digits, escapes, nesting, an empty array. */
const tricky = [
  { n: 0.30000000000000004, big: 12345678901234567890, tiny: 5e-324 },
  { text: 'é "quoted" \\ back\nslash\u2028 😀', nested: { list: [1, [2, [3]]], none: null, no: false } },
  [],
  'a plain string',
  -0.5,
];

function assembled(store: ItemStore, runId: string, nodeId: string, inputCount: number) {
  return [...store.assembledRows(runId, nodeId, inputCount, 2)];
}

describe('ItemStore', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(dir.path);
  });

  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('finds which of many keys have a result, with one lookup', () => {
    const store = new ItemStore(db);
    store.recordResult('run-1', 'node', 0, 'key-a', 'test.map', { out: [1] });
    store.recordResult('run-1', 'node', 1, 'key-c', 'test.map', { out: [] });
    store.flush();
    expect(store.cachedAmong(['key-a', 'key-b', 'key-c', 'key-e'])).toEqual(new Set(['key-a', 'key-c']));
    expect(store.cachedAmong([])).toEqual(new Set());
  });

  it('assembles results and cache hits in input order, each port in the order the item returned its values', () => {
    const store = new ItemStore(db);
    // Items finish out of order; seq 1 is a hit on an earlier run's result.
    const earlier = new ItemStore(db);
    earlier.recordResult('run-0', 'node', 0, 'key-b', 'test.map', { kept: [{ b: 1 }], dropped: ['b-out'] });
    earlier.flush();
    store.recordResult('run-1', 'node', 2, 'key-c', 'test.map', { kept: tricky });
    store.recordHit('run-1', 'node', 1, 'key-b');
    store.recordResult('run-1', 'node', 0, 'key-a', 'test.map', { dropped: ['a-out'], kept: [{ a: 1 }, { a: 2 }] });
    store.recordResult('run-1', 'node', 3, 'key-d', 'test.map', {});

    expect(assembled(store, 'run-1', 'node', 4)).toEqual([
      { port: 'dropped', data: '"a-out"' },
      { port: 'kept', data: '{"a":1}' },
      { port: 'kept', data: '{"a":2}' },
      { port: 'kept', data: '{"b":1}' },
      { port: 'dropped', data: '"b-out"' },
      ...tricky.map((value) => ({ port: 'kept', data: JSON.stringify(value) })),
    ]);
    expect(store.has('key-a')).toBe(true);
    expect(store.has('key-d')).toBe(true);
    expect(store.has('key-e')).toBe(false);
  });

  it('a newer result for the same key replaces the older one', () => {
    const store = new ItemStore(db);
    store.recordResult('run-1', 'node', 0, 'key-a', 'test.map', { kept: ['old'] });
    store.flush();
    store.recordResult('run-2', 'node', 0, 'key-a', 'test.map', { kept: ['new'] });
    expect(assembled(store, 'run-1', 'node', 1)).toEqual([{ port: 'kept', data: '"new"' }]);
    expect(db.prepare('SELECT count(*) FROM item_outputs').pluck().get()).toBe(1);
  });
});

describe('a run store written before item results were one row each', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => dir.remove());

  it('keeps every item result readable after the migration, values byte for byte', () => {
    const file = join(dir.path, 'rewatch.db');
    const old = new Database(file);
    const before = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE item_outputs'));
    expect(before).toBeGreaterThan(0);
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    const insertRow = old.prepare('INSERT INTO item_rows (item_key, port, idx, data) VALUES (?, ?, ?, ?)');
    const insertResult = old.prepare('INSERT INTO item_results (item_key, node_type, created_at) VALUES (?, ?, ?)');
    const insertOrder = old.prepare('INSERT INTO node_items (run_id, node_id, seq, item_key) VALUES (?, ?, ?, ?)');
    // Rows inserted out of index order: the migration must order them by idx.
    [...tricky.entries()].reverse().forEach(([idx, value]) => insertRow.run('key-a', 'kept', idx, JSON.stringify(value)));
    insertRow.run('key-a', 'dropped', 0, '"a-out"');
    insertResult.run('key-a', 'test.map', 1);
    insertResult.run('key-empty', 'test.map', 2); // an item that returned no values
    insertOrder.run('run-old', 'node', 0, 'key-a');
    insertOrder.run('run-old', 'node', 1, 'key-empty');
    old.close();

    const db = openDatabase(dir.path);
    try {
      const store = new ItemStore(db);
      expect(store.has('key-a')).toBe(true);
      expect(store.has('key-empty')).toBe(true);
      expect(assembled(store, 'run-old', 'node', 2)).toEqual([
        { port: 'dropped', data: '"a-out"' },
        ...tricky.map((value) => ({ port: 'kept', data: JSON.stringify(value) })),
      ]);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('item_rows', 'item_results')").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
