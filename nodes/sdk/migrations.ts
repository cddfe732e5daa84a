import type { JsonObject } from './data-types.ts';

/** A config migration that moves each `from` field's value to its new name; fields left unset stay unset. */
export function renameConfigFields(renames: Readonly<Record<string, string>>): (config: JsonObject) => JsonObject {
  return (config) =>
    Object.fromEntries(Object.entries(config).map(([field, value]) => [renames[field] ?? field, value])) as JsonObject;
}
