import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from '../../main/llm/index.ts';

const answerSchema = {
  type: 'object',
  properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['answer'],
  additionalProperties: false,
};

describe('compileJsonSchema', () => {
  it('accepts a valid value', () => {
    expect(compileJsonSchema(answerSchema)({ answer: 'B', confidence: 0.5 })).toEqual([]);
  });

  it('returns readable errors with JSON pointers', () => {
    const problems = compileJsonSchema(answerSchema)({ answer: 3, confidence: 2, extra: true });
    expect(problems).toContain('/answer: must be string');
    expect(problems).toContain('/confidence: must be <= 1');
    expect(problems).toContain('/: must NOT have additional properties (extra)');
  });

  it('names missing required properties', () => {
    expect(compileJsonSchema(answerSchema)({})).toEqual(["/: must have required property 'answer'"]);
  });

  it('compiles each distinct schema once (cache by canonical JSON)', () => {
    const reordered = { additionalProperties: false, required: ['answer'], type: 'object', properties: answerSchema.properties };
    expect(compileJsonSchema(reordered)).toBe(compileJsonSchema(answerSchema));
  });

  it('supports draft 2020-12 (prefixItems) and draft-07 ($schema, definitions)', () => {
    const tuple = compileJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'integer' }],
    });
    expect(tuple(['a', 1])).toEqual([]);
    expect(tuple(['a', 'b'])).toEqual(['/1: must be integer']);

    const draft07 = compileJsonSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: { label: { enum: ['yes', 'no'] } },
      type: 'object',
      properties: { label: { $ref: '#/definitions/label' } },
    });
    expect(draft07({ label: 'yes' })).toEqual([]);
    expect(draft07({ label: 'maybe' })).toEqual(['/label: must be equal to one of the allowed values (["yes","no"])']);
  });

  it('ignores unknown formats instead of rejecting the schema', () => {
    expect(compileJsonSchema({ type: 'string', format: 'video-timestamp' })('00:01')).toEqual([]);
  });

  it('throws on an invalid schema', () => {
    expect(() => compileJsonSchema({ type: 'no-such-type' })).toThrow(/invalid JSON Schema/);
  });
});
