/**
 * A record's own value at a key that came from a user (a graph, a template, a URL): `record[key]` would also find
 * what every object inherits (`constructor`, `__proto__`, `valueOf`).
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
