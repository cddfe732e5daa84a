import type { ItemCollection } from '../../nodes/sdk/index.ts';
import { lookupPath } from '../../nodes/sdk/template.ts';

const PAGE = 1000;

/** An `ItemCollection` over a paged reader; `groupBy` indexes are built on first use and kept. */
export function pagedCollection<T>(count: number, page: (offset: number, limit: number) => T[]): ItemCollection<T> {
  const groups = new Map<string, Map<string, T[]>>();
  const collection: ItemCollection<T> = {
    count,
    page,
    toArray: () => page(0, count),
    *[Symbol.iterator]() {
      for (let offset = 0; offset < count; offset += PAGE) yield* page(offset, PAGE);
    },
    groupBy(field) {
      let index = groups.get(field);
      if (!index) {
        index = new Map();
        for (const item of collection) {
          const key = String(lookupPath(item, field));
          const list = index.get(key);
          if (list) list.push(item);
          else index.set(key, [item]);
        }
        groups.set(field, index);
      }
      return index;
    },
  };
  return collection;
}
