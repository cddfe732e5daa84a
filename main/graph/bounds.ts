/**
 * How large a graph file may be. Graphs are small (the paper's whole pipeline is ~10 KB); the bounds keep a hostile
 * or broken file from overflowing the stack of every recursive walk after parsing (`JSON.stringify`, zod, canonical
 * JSON) or filling memory.
 */
export const GRAPH_LIMITS = {
  /** Objects and arrays inside one another, counted from the top level. */
  depth: 64,
  /** JSON values in the whole file (objects, arrays, strings, numbers, booleans, nulls). */
  values: 1_000_000,
  /** Characters of the file's text, and of all its strings and keys together. */
  characters: 32 * 1024 * 1024,
} as const;

export interface GraphValueViolation {
  /** Where in the value: keys and array indexes from the top level. */
  path: (string | number)[];
  /** The path goes on below what `path` shows. */
  truncated: boolean;
  message: string;
}

interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: string | number | undefined;
}

/** How many keys of a too-deep path an error shows. */
const SHOWN_PATH_KEYS = 8;

function pathOf(visit: Visit): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/**
 * A key JavaScript reads as the object's prototype: zod drops it from configs unreported and assigning it elsewhere
 * (canonical JSON, secret scrubbing) would replace a prototype instead of storing a value.
 */
const PROTOTYPE_KEY = '__proto__';

/**
 * The first way `value` (parsed JSON) exceeds `GRAPH_LIMITS` or holds a `__proto__` key, or undefined. Iterative:
 * any depth is safe to check.
 */
export function graphValueViolation(value: unknown): GraphValueViolation | undefined {
  const stack: Visit[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  let values = 0;
  let characters = 0;
  while (stack.length > 0) {
    const visit = stack.pop()!;
    values += 1;
    if (values > GRAPH_LIMITS.values) {
      return { path: [], truncated: false, message: `holds more than ${GRAPH_LIMITS.values.toLocaleString('en')} values` };
    }
    if (typeof visit.value === 'string') characters += visit.value.length;
    if (visit.value === null || typeof visit.value !== 'object') continue;
    if (visit.depth >= GRAPH_LIMITS.depth) {
      const path = pathOf(visit);
      return { path: path.slice(0, SHOWN_PATH_KEYS), truncated: path.length > SHOWN_PATH_KEYS, message: `nested deeper than ${GRAPH_LIMITS.depth} levels` };
    }
    const entries: [string | number, unknown][] = Array.isArray(visit.value) ? [...visit.value.entries()] : Object.entries(visit.value);
    for (const [key, child] of entries.reverse()) {
      if (key === PROTOTYPE_KEY) {
        return { path: [...pathOf(visit), key], truncated: false, message: `a key named "${PROTOTYPE_KEY}" is not allowed` };
      }
      if (typeof key === 'string') characters += key.length;
      stack.push({ value: child, depth: visit.depth + 1, parent: visit, key });
    }
    if (characters > GRAPH_LIMITS.characters) {
      return { path: [], truncated: false, message: `holds more than ${GRAPH_LIMITS.characters.toLocaleString('en')} characters of text` };
    }
  }
  return undefined;
}
