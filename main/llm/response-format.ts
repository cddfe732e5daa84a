import { z } from 'zod';

/**
 * Structured outputs: the JSON Schema a reply must match, sent as the OpenAI-style `response_format` so servers that
 * constrain decoding (vLLM, SGLang, Ollama, OpenAI) produce it directly.
 *
 * Shape per vLLM's `ResponseFormat` / `JsonSchemaResponseFormat` (vllm-project/vllm,
 * vllm/entrypoints/openai/protocol.py @ 0052bed36509c7a5a2d8e48265334e40cf2f5a0e):
 * `{"type": "json_schema", "json_schema": {"name", "description"?, "schema", "strict"?}}`, the same body OpenAI's
 * chat completions API takes.
 */
interface JsonSchemaResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; schema: Record<string, unknown>; strict: boolean };
}

type JsonSchemaNode = Record<string, unknown>;

function isObject(value: unknown): value is JsonSchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every sub-schema of `schema` (properties, items, combinators, definitions), itself included. */
function* subSchemas(schema: unknown): Generator<JsonSchemaNode> {
  if (!isObject(schema)) return;
  yield schema;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' || key === '$defs' || key === 'definitions') {
      if (isObject(value)) for (const child of Object.values(value)) yield* subSchemas(child);
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      yield* subSchemas(value);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems') && Array.isArray(value)) {
      for (const child of value) yield* subSchemas(child);
    }
  }
}

/**
 * OpenAI's strict mode accepts only schemas whose objects list every property as required and allow no others; a
 * server in strict mode rejects anything else with 400, so `strict` is set only for schemas that qualify.
 */
function qualifiesForStrict(schema: JsonSchemaNode): boolean {
  for (const node of subSchemas(schema)) {
    if (node.type !== 'object' && !isObject(node.properties)) continue;
    const properties = isObject(node.properties) ? Object.keys(node.properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false || properties.some((p) => !required.includes(p))) return false;
  }
  return true;
}

/**
 * The JSON Schema of what a model must write for `schema` to parse it: zod's input side (defaults may be left out),
 * with objects closed to extra keys (zod would strip them anyway; constrained decoding should not invent them).
 */
export function replyJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  delete json.$schema;
  for (const node of subSchemas(json)) {
    if ((node.type === 'object' || isObject(node.properties)) && node.additionalProperties === undefined) {
      node.additionalProperties = false;
    }
  }
  return json;
}

export function responseFormat(schema: Record<string, unknown>, name = 'reply'): JsonSchemaResponseFormat {
  return { type: 'json_schema', json_schema: { name, schema, strict: qualifiesForStrict(schema) } };
}
