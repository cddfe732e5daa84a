import type { SettingsFieldError, SettingsKind } from '../../main/api/contract.ts';
import { configFields, type FieldSpec } from '../inspector/config-fields.ts';

export type SettingsEntry = Record<string, unknown>;

/** The host kinds hosts.yaml knows, each with its own entry schema. */
export const HOST_KINDS = ['ssh', 'slurm'] as const;

/** The key of an entry's schema in `SettingsFileInfo.schemas`. */
export function schemaKey(kind: SettingsKind, entry: SettingsEntry): string {
  return kind === 'providers' ? 'profile' : String(entry.kind ?? 'ssh');
}

/** The form's fields: the entry schema's, `kind` left to its own picker. */
export function entryFields(schema: Record<string, unknown>): FieldSpec[] {
  return configFields(schema).filter((spec) => spec.name !== 'kind');
}

/**
 * The entry with one field changed. An unticked box without a default leaves the field out (`agent: true` is the
 * only value hosts.yaml takes); an emptied field is removed.
 */
export function withField(entry: SettingsEntry, spec: FieldSpec, value: unknown): SettingsEntry {
  const next = { ...entry };
  const absent = value === undefined || value === '' || (value === false && spec.default === undefined);
  if (absent) delete next[spec.name];
  else next[spec.name] = value;
  return next;
}

/** The errors shown beside `field` (a nested one, `login.workDir`, under `login`, with its path). */
export function errorsOf(errors: readonly SettingsFieldError[], field: string): string[] {
  return errors
    .filter((error) => error.field.split('.')[0] === field)
    .map((error) => (error.field === field ? error.message : `${error.field}: ${error.message}`));
}

/** The errors that belong to no field of the form: the entry as a whole, another entry, a field the form lacks. */
export function entryErrors(errors: readonly SettingsFieldError[], fields: readonly FieldSpec[]): string[] {
  const names = new Set(fields.map((spec) => spec.name));
  return errors
    .filter((error) => !names.has(error.field.split('.')[0]!))
    .map((error) => (error.field ? `${error.field}: ${error.message}` : error.message));
}
