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

describe('reading an output page by page', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: RunStore;

  beforeEach(() => {
    dir = tempDir();
    store = new RunStore(dir.path);
  });

  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('serves any page of an output, unfiltered or filtered, with the total of what matches', () => {
    const writer = rowsWriter(store, 'key');
    writer.append(0, ROWS);
    const output = writer.finish();
    const page = (filter: { search?: string; where?: string }, offset: number, limit: number) => {
      const { total, items } = store.outputs.page(output, 'items', filter, offset, limit);
      return { total, seqs: items.map((i) => i.seq), ns: items.map((i) => (i.data as { n: number }).n) };
    };

    expect(page({}, ROWS - 3, 10)).toEqual({ total: ROWS, seqs: [ROWS - 3, ROWS - 2, ROWS - 1], ns: [ROWS - 3, ROWS - 2, ROWS - 1] });
    expect(page({}, ROWS + 5, 10)).toEqual({ total: ROWS, seqs: [], ns: [] });
    expect(page({}, 2000, 2)).toEqual({ total: ROWS, seqs: [2000, 2001], ns: [2000, 2001] });

    const withOne = numbers(ROWS).filter((n) => JSON.stringify({ n }).includes('"n":1'));
    // Each filter keeps its own total, asked for in any order and at any offset.
    for (let round = 0; round < 2; round++) {
      expect(page({ search: '"n":1' }, 1000, 3)).toEqual({ total: withOne.length, seqs: withOne.slice(1000, 1003), ns: withOne.slice(1000, 1003) });
      expect(page({ where: 'n=7' }, 0, 10)).toEqual({ total: 1, seqs: [7], ns: [7] });
      expect(page({ where: 'n=-1' }, 0, 10)).toEqual({ total: 0, seqs: [], ns: [] });
    }
  });
});
