import type { z } from 'zod';

/** A zod issue path as a field reference: `hosts[1].login.port`; `(root)` for the value itself. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** A settings file's validation failure, naming the file and each field: `hosts.yaml: hosts[1].port: …; …`. */
export function invalidSettingsError(source: string, error: z.ZodError): Error {
  return new Error(`${source}: ${error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`).join('; ')}`);
}
