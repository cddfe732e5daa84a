import { describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { configFields, numberProblem, withGraphBudget } from '../../renderer/inspector/config-fields.ts';

const catalog = new NodeCatalog(nodeDefinitions).describe();
const fieldsOf = (type: string) => configFields(catalog.nodes.find((n) => n.type === type)!.configSchema);

describe('inspector fields from the config JSON Schema', () => {
  it('picks widgets from x-kind, enums and types, with defaults, bounds and x-semantic', () => {
    const fields = Object.fromEntries(fieldsOf('core.llm-map').map((f) => [f.name, f]));
    expect(fields.provider).toMatchObject({ widget: 'provider', default: 'default-llm', semantic: true });
    expect(fields.prompt).toMatchObject({ widget: 'prompt', default: '{{item}}' });
    expect(fields.jsonSchema).toMatchObject({ widget: 'json-schema', required: false });
    expect(fields.temperature).toMatchObject({ widget: 'number', minimum: 0, maximum: 2 });
    expect(fields.maxTokens).toMatchObject({ widget: 'integer', minimum: 1 });
    expect(fields.maxTokens?.maximum).toBeUndefined();
    expect(fields.concurrency).toMatchObject({ widget: 'integer', semantic: false });
    expect(fieldsOf('core.jsonl-source')).toEqual([
      expect.objectContaining({ name: 'path', widget: 'path', required: true }),
      expect.objectContaining({ name: 'format', widget: 'enum', options: ['auto', 'jsonl', 'json'], default: 'auto' }),
    ]);
  });

  it('checks typed numbers against the schema', () => {
    const temperature = fieldsOf('core.llm-map').find((f) => f.name === 'temperature')!;
    const maxTokens = fieldsOf('core.llm-map').find((f) => f.name === 'maxTokens')!;
    expect(numberProblem(temperature, 3)).toBe('must be at most 2');
    expect(numberProblem(temperature, Number('x'))).toBe('not a number');
    expect(numberProblem(maxTokens, 1.5)).toBe('must be a whole number');
    expect(numberProblem(temperature, 0.7)).toBeUndefined();
  });

  it('shows a video budget field’s value as the graph sets it, and the paper’s when the graph sets none', () => {
    const captioner = Object.fromEntries(fieldsOf('rewatch.captioner').map((f) => [f.name, f]));
    expect(captioner.fps).toMatchObject({ graphSetting: 'fps', default: 2 });
    // The captioner's per-request frame limit is its own, not the budget's.
    expect(captioner.maxFrames?.graphSetting).toBeUndefined();
    expect(withGraphBudget(captioner.fps!, { fps: 1, maxFrames: 64 })).toMatchObject({ default: 1 });
    expect(withGraphBudget(captioner.fps!, { maxFrames: 64 })).toMatchObject({ default: 2 });
    expect(withGraphBudget(captioner.maxFrames!, { fps: 1, maxFrames: 64 })).toMatchObject({ default: 256 });
    const evaluate = fieldsOf('rewatch.evaluate').filter((f) => f.graphSetting);
    expect(evaluate.map((f) => [f.name, f.graphSetting])).toEqual([
      ['fps', 'fps'],
      ['maxFrames', 'maxFrames'],
      ['maxPixels', 'maxPixels'],
    ]);
  });
});
