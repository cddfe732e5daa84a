import type { JsonValue } from '../../nodes/sdk/index.ts';
import type { Db } from './database.ts';

/**
 * Values computed once per key and kept in the data dir across runs, for work worth skipping that no node key covers:
 * probing the one new file of a folder should not probe the thousands already read. The key names all the value
 * depends on; a value is written once and never changes.
 */
export class RememberedValues {
  readonly #get;
  readonly #put;

  constructor(db: Db) {
    this.#get = db.prepare('SELECT value_json FROM remembered WHERE key = ?');
    this.#put = db.prepare('INSERT OR IGNORE INTO remembered (key, value_json, created_at) VALUES (?, ?, ?)');
  }

  /** The value kept under `key`, or `compute`'s, kept if it resolves (a rejection is not remembered). */
  async remember<T extends JsonValue>(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.#get.get(key) as { value_json: string } | undefined;
    if (known) return JSON.parse(known.value_json) as T;
    const value = await compute();
    this.#put.run(key, JSON.stringify(value), Date.now());
    return value;
  }
}
