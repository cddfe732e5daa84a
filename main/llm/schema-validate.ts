import Ajv07, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import { canonicalJson } from '../graph/canonical.ts';

/** Checks a value against one schema; returns readable problems (`/answer: must be string`), empty when valid. */
export type JsonSchemaValidator = (value: unknown) => string[];

const compiled = new Map<string, JsonSchemaValidator>();

const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  // `format` is advisory here: no format plugin is bundled, and an unknown format must not reject a schema.
  validateFormats: false,
  logger: false,
} as const;

function usesDraft07(schema: Record<string, unknown>): boolean {
  return typeof schema.$schema === 'string' && /draft-0[67]/.test(schema.$schema);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/**
 * Compiles a JSON Schema (draft 2020-12 by default, draft-07 when its `$schema` says so), once per distinct
 * schema. Throws when the schema itself is invalid.
 */
export function compileJsonSchema(schema: Record<string, unknown>): JsonSchemaValidator {
  const key = canonicalJson(schema);
  const cached = compiled.get(key);
  if (cached) return cached;
  // One Ajv instance per schema: schemas that reuse an `$id` must not collide.
  const ajv = usesDraft07(schema) ? new Ajv07(AJV_OPTIONS) : new Ajv2020(AJV_OPTIONS);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new Error(`invalid JSON Schema: ${(error as Error).message}`);
  }
  const validator: JsonSchemaValidator = (value) => (validate(value) ? [] : (validate.errors ?? []).map(describe));
  compiled.set(key, validator);
  return validator;
}
