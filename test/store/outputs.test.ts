import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../main/store/index.ts';
import { tempDir } from '../support/engine-fixture.ts';

const ROWS = 4500; // more than two write batches

/** Appends `{n}` rows for n in [from, to) to an output being written. */
function rowsWriter(store: RunStore, key: string) {
  const writer = store.outputs.beginWrite(key, 'test.node', ['items']);
  return {
    append(from: number, to: number) {
      for (let n = from; n < to; n += 1) writer.append('items', { n });
    },
    finish: () => writer.finish(),
  };
}

const numbers = (count: number) => Array.from({ length: count }, (_, n) => n);

describe('writing an output', () => {
  let dir: ReturnType<typeof tempDir>;
  let stores: [RunStore, RunStore];

  beforeEach(() => {
    dir = tempDir();
    stores = [new RunStore(dir.path), new RunStore(dir.path)];
  });

  afterEach(() => {
    for (const store of stores) store.close();
    dir.remove();
  });

  const storedNumbers = (key: string) =>
    stores[0].outputs.page(stores[0].outputs.get(key)!, 'items', {}, 0, ROWS + 1).items.map((item) => (item.data as { n: number }).n);

  it('two runs writing the same output at once both finish, with the output whole', () => {
    const [a, b] = [rowsWriter(stores[0], 'key'), rowsWriter(stores[1], 'key')];
    a.append(0, 2500);
    b.append(0, 2500);
    a.append(2500, ROWS);
    const first = a.finish();
    b.append(2500, ROWS);
    expect(b.finish()).toEqual(first);
    expect(storedNumbers('key')).toEqual(numbers(ROWS));
  });

  it('rows a crashed, longer attempt left past the end are gone once the output is finished', () => {
    rowsWriter(stores[0], 'key').append(0, ROWS); // never finished
    const shorter = rowsWriter(stores[1], 'key');
    shorter.append(0, 10);
    expect(shorter.finish().ports.items?.count).toBe(10);
    expect(storedNumbers('key')).toEqual(numbers(10));
  });
});
