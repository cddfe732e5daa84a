import { ownValue } from './own.ts';

/**
 * Prompt templates: `{{field}}` or `{{a.b}}` inserts a value of the item (objects and arrays as JSON),
 * `{{item}}` the whole item. The inspector's prompt editor highlights variables by this same pattern.
 */
export const TEMPLATE_VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;

/** The value at a dotted path of an item, reading only the item's own fields (never `constructor` or `__proto__`). */
export function lookupPath(value: unknown, path: string): unknown {
  let cursor = value;
  for (const part of path.split('.')) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = ownValue(cursor as Record<string, unknown>, part);
  }
  return cursor;
}

export function renderTemplate(template: string, variables: Record<string, unknown>): string {
  return template.replace(TEMPLATE_VARIABLE, (_match, path: string) => {
    const value = lookupPath(variables, path);
    if (value === undefined) throw new Error(`template variable {{${path}}} has no value in this item`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
