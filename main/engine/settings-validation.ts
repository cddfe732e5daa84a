import { z } from 'zod';
import type { SettingsFieldError, SettingsKind } from '../api/contract.ts';
import { fieldPath } from '../field-errors.ts';
import { hostRegistrySchema, slurmHostSchema, sshHostSchema } from '../hosts/registry.ts';
import { profileFields, providerSettingsSchema } from '../llm/profiles.ts';

/** The schemas the engine loads each settings file with (`loadProviders`, `loadHosts`): an edit passes them or is refused. */
const FILE_SCHEMAS = { providers: providerSettingsSchema, hosts: hostRegistrySchema } satisfies Record<SettingsKind, z.ZodType>;

/**
 * What is wrong with a settings file whose entries would be `entries`, for the form editing `entries[index]`: its
 * problems by field (`baseURL`, `login.workDir`, `''` for the entry as a whole), and another entry's, named.
 */
export function settingsErrors(kind: SettingsKind, entries: readonly unknown[], index: number): SettingsFieldError[] {
  const parsed = FILE_SCHEMAS[kind].safeParse({ [kind]: entries });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const [, at, ...field] = issue.path;
    // zod says "Invalid input: expected string, received undefined" of a field left out.
    const message = /received undefined$/.test(issue.message) ? 'required' : issue.message;
    if (at === index) return { field: field.length ? fieldPath(field) : '', message };
    return { field: '', message: `${fieldPath(issue.path)}: ${message}` };
  });
}

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** The JSON Schema of an entry, by the key `SettingsFileInfo.schemas` documents. */
export const ENTRY_SCHEMAS: Record<SettingsKind, Record<string, Record<string, unknown>>> = {
  providers: { profile: jsonSchema(profileFields) },
  hosts: { ssh: jsonSchema(sshHostSchema), slurm: jsonSchema(slurmHostSchema) },
};
