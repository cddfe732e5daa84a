/**
 * Canonical JSON. Graph files put the keys a reader looks for first in a fixed order and every other key sorted,
 * so saving is deterministic and diffs stay clean; cache keys hash fully key-sorted JSON.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const FIRST_KEYS: readonly string[] = [
  'format',
  'version',
  'name',
  'description',
  'settings',
  'groups',
  'id',
  'title',
  'type',
  'typeVersion',
  'label',
  'notes',
  'host',
  'position',
  'x',
  'y',
  'from',
  'to',
  'node',
  'port',
  'config',
];
const LAST_KEYS: readonly string[] = ['nodes', 'edges'];

function orderKeys(keys: string[]): string[] {
  const rank = (key: string) => {
    const first = FIRST_KEYS.indexOf(key);
    if (first >= 0) return first;
    const last = LAST_KEYS.indexOf(key);
    return last >= 0 ? FIRST_KEYS.length + 1 + last : FIRST_KEYS.length;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function sortedKeys(keys: string[]): string[] {
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function normalize(value: unknown, order: (keys: string[]) => string[], path: string): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path || 'value'} is ${value}, which JSON cannot hold`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => normalize(v, order, `${path}[${i}]`));
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    const source = value as Record<string, unknown>;
    for (const key of order(Object.keys(source))) {
      if (source[key] === undefined) continue;
      out[key] = normalize(source[key], order, path ? `${path}.${key}` : key);
    }
    return out;
  }
  throw new TypeError(`${path || 'value'} is a ${typeof value}, which JSON cannot hold`);
}

/** The bytes a graph file is saved as: canonical key order, 2-space indent, trailing newline. */
export function graphFileText(graph: unknown): string {
  return `${JSON.stringify(normalize(graph, orderKeys, ''), null, 2)}\n`;
}

/** Key-sorted compact JSON: equal values give equal text, for hashing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value, sortedKeys, ''));
}
