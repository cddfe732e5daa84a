/**
 * A readable message for whatever a node or a listener threw. Never throws itself: a thrown value may be a proxy, an
 * object without a prototype (which `String()` cannot convert) or an Error whose `message` getter throws.
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return String(value.message) || value.name;
    return typeof value === 'string' ? value : `a non-Error value was thrown: ${String(value)}`;
  } catch {
    return 'a value was thrown that cannot be read as a message';
  }
}
