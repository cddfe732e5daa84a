import { describe, expect, it } from 'vitest';
import { readJsonSchemaText } from '../../renderer/inspector/json-schema-text.ts';

describe('reading a JSON Schema field', () => {
  it('clears the field for blank text', () => {
    expect(readJsonSchemaText('  \n')).toEqual({ kind: 'empty' });
  });

  it('stores a JSON object as the schema', () => {
    expect(readJsonSchemaText('{"type": "object", "required": ["a"]}')).toEqual({ kind: 'schema', schema: { type: 'object', required: ['a'] } });
  });

  it('says why text that is not JSON is not stored', () => {
    const read = readJsonSchemaText('{"type": "object",}');
    expect(read.kind).toBe('unreadable');
    expect(read.kind === 'unreadable' && read.problem).toMatch(/^not valid JSON: /);
  });

  it.each(['[]', '"object"', 'null', '3'])('refuses %s, which is JSON but no schema object', (text) => {
    expect(readJsonSchemaText(text)).toEqual({ kind: 'unreadable', problem: 'a JSON Schema is a JSON object, e.g. {"type": "object"}' });
  });
});
