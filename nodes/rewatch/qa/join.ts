import type { ItemCollection } from '../../sdk/index.ts';

/** The side-input item whose `field` equals `key` (the first, if several); a missing one is the item's error. */
export function joinOne<T>(side: ItemCollection<T>, field: string, key: string, what: string): T {
  const match = side.groupBy(field).get(key)?.[0];
  if (!match) throw new Error(`no ${what} with ${field} "${key}" in the side input`);
  return match;
}
