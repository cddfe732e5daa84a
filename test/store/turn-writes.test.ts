import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../main/store/database.ts';
import { turnWrites } from '../../main/store/turn-writes.ts';
import { tempDir } from '../support/engine-fixture.ts';

describe('turn writes', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  /** Another connection, as another process would read the store. */
  let other: Db;

  const insert = (key: string) => () =>
    db.prepare('INSERT INTO leases (key, holder, claim, pid, machine, expires_at) VALUES (?, ?, 0, 0, ?, 0)').run(key, 'h', 'm').changes;
  const visibleElsewhere = () => other.prepare('SELECT key FROM leases ORDER BY key').pluck().all();

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(dir.path);
    other = openDatabase(dir.path);
  });

  afterEach(() => {
    other.close();
    db.close();
    dir.remove();
  });

  it('commits the writes of one turn together, and each caller gets its result once they are committed', async () => {
    const writes = turnWrites(db);
    expect(turnWrites(db)).toBe(writes); // one per connection, shared by its stores
    const seenByB: unknown[] = [];
    const a = writes.run(insert('a'));
    const b = writes.run(() => {
      seenByB.push(...visibleElsewhere()); // a is written, not committed yet: same transaction
      return insert('b')();
    });
    expect(visibleElsewhere()).toEqual([]); // nothing runs before the end of the turn
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(seenByB).toEqual([]);
    expect(visibleElsewhere()).toEqual(['a', 'b']);
    // A later turn is a transaction of its own: it sees the earlier one committed.
    expect(await writes.run(() => visibleElsewhere())).toEqual(['a', 'b']);
  });

  it('a failing write rejects every write of its turn and commits none of them', async () => {
    const writes = turnWrites(db);
    const results = await Promise.allSettled([writes.run(insert('a')), writes.run(insert('a'))]); // the key is taken
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed: leases.key/);
    expect(visibleElsewhere()).toEqual([]);
    expect(await writes.run(insert('c'))).toBe(1); // the next turn writes again
    expect(visibleElsewhere()).toEqual(['c']);
  });
});
