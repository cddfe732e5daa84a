import { stableId } from '../ids.ts';
import { seededRandom, seedFromHex, shuffled } from '../qa/shuffle.ts';

/**
 * Seeded choices of the exports. Each starts from the items sorted by key, so the result depends only on the seed,
 * the purpose and the set of items, never on the order the items arrived in.
 */

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The items in a seeded random order; `purpose` keeps the shuffles of one seed independent of each other. */
export function seededOrder<T>(items: readonly T[], keyOf: (item: T) => string, seed: number, purpose: string): T[] {
  const sorted = [...items].sort((a, b) => byKey(keyOf(a), keyOf(b)));
  return shuffled(sorted, seededRandom(seedFromHex(stableId(seed, purpose))));
}

/** A seeded choice of round(fraction · n) of the keys. */
export function sampleKeys(keys: readonly string[], fraction: number, seed: number, purpose: string): Set<string> {
  const unique = [...new Set(keys)];
  const count = Math.round(fraction * unique.length);
  return new Set(seededOrder(unique, (key) => key, seed, purpose).slice(0, count));
}
