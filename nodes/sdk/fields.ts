import { z } from 'zod';

/**
 * Config field builders carrying the metadata the engine and the inspector read from the JSON Schema:
 * `x-kind` picks the editor widget and marks prompt texts (which the cache key lists apart, so `explain`
 * can say "prompt changed"); `x-semantic: false` keeps a field out of the cache key.
 */
type FieldKind = 'prompt' | 'provider' | 'host' | 'path' | 'json-schema';

export function promptField(defaultText: string, description: string) {
  return z.string().default(defaultText).meta({ description, 'x-kind': 'prompt' satisfies FieldKind });
}

/** A provider profile by name (`judge-llm`…); the profile itself lives in the data dir's settings. */
export function providerField(defaultProfile: string, description: string) {
  return z.string().min(1).default(defaultProfile).meta({ description, 'x-kind': 'provider' satisfies FieldKind });
}

/** A host by name (`local`, or one of the data dir's hosts.yaml). */
export function hostField(description: string) {
  return z.string().min(1).meta({ description, 'x-kind': 'host' satisfies FieldKind });
}

/**
 * The sampling seed of a node that samples (temperature > 0): sent as each request's `seed` and, being config, part of
 * the cache key, so another seed re-runs the node instead of reusing the first seed's answers.
 */
export function seedField() {
  return z.number().int().default(0).meta({
    description: 'Sampling seed sent with each request; servers that honour it (vLLM, SGLang, OpenAI) sample reproducibly. Another seed re-runs the node.',
  });
}

export function pathField(description: string) {
  return z.string().min(1).meta({ description, 'x-kind': 'path' satisfies FieldKind });
}

export function fieldKind(schema: z.core.$ZodType): FieldKind | undefined {
  return z.globalRegistry.get(schema)?.['x-kind'] as FieldKind | undefined;
}

export function isSemanticField(schema: z.core.$ZodType): boolean {
  return z.globalRegistry.get(schema)?.['x-semantic'] !== false;
}

/** The names a config value gives to settings entries of one kind: the field itself, or the items of a list of them. */
function namedEntries(kind: 'provider' | 'host', schema: z.core.$ZodType, value: unknown): string[] {
  if (fieldKind(schema) === kind) return typeof value === 'string' ? [value] : [];
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; element?: z.core.$ZodType };
  if (def.innerType && ['default', 'optional', 'nullable', 'prefault'].includes(def.type)) {
    return namedEntries(kind, def.innerType, value);
  }
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    return value.flatMap((item) => namedEntries(kind, def.element!, item));
  }
  return [];
}

/** The provider profiles a config value names. */
export function providerNames(schema: z.core.$ZodType, value: unknown): string[] {
  return namedEntries('provider', schema, value);
}

/** The hosts a config value names. */
export function hostNames(schema: z.core.$ZodType, value: unknown): string[] {
  return namedEntries('host', schema, value);
}
