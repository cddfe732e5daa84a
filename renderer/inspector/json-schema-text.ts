/** What the text of a JSON Schema field holds: nothing (the field is cleared), a schema to store, or why not. */
export type JsonSchemaText =
  | { kind: 'empty' }
  | { kind: 'schema'; schema: Record<string, unknown> }
  | { kind: 'unreadable'; problem: string };

/** Reads a JSON Schema field's text; whether ajv compiles the schema is the engine's to say (`checkJsonSchema`). */
export function readJsonSchemaText(text: string): JsonSchemaText {
  if (text.trim() === '') return { kind: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'unreadable', problem: `not valid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'unreadable', problem: 'a JSON Schema is a JSON object, e.g. {"type": "object"}' };
  }
  return { kind: 'schema', schema: value as Record<string, unknown> };
}
