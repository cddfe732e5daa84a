/** The inspector's reading of a node type's config JSON Schema: one field spec per property, with its widget. */
import { GRAPH_SETTING, videoSettingKey, type VideoBudget, type VideoBudgetKey } from '../../nodes/sdk/video-budget.ts';

export type Widget = 'text' | 'path' | 'provider' | 'prompt' | 'json' | 'json-schema' | 'number' | 'integer' | 'enum' | 'boolean' | 'list';

export interface FieldSpec {
  name: string;
  widget: Widget;
  description?: string;
  default?: unknown;
  required: boolean;
  minimum?: number;
  maximum?: number;
  /** For `enum`. */
  options?: string[];
  /** For `list`: the widget of each item (`text` or `number`). */
  item?: 'text' | 'number';
  /** `x-semantic: false`: the field does not change results (concurrency, error budgets) and is outside the cache key. */
  semantic: boolean;
  /** The graph's video budget value the field takes when the node leaves it unset. */
  graphSetting?: VideoBudgetKey;
}

type Schema = Record<string, unknown>;

// zod's JSON Schema spells "any safe integer" with these bounds; they say nothing to a user.
const NO_BOUND = Number.MAX_SAFE_INTEGER;
const bound = (value: unknown) => (typeof value === 'number' && Math.abs(value) < NO_BOUND ? value : undefined);

function widgetOf(schema: Schema): Pick<FieldSpec, 'widget' | 'options' | 'item'> {
  const kind = schema['x-kind'];
  if (kind === 'prompt' || kind === 'provider' || kind === 'path') return { widget: kind };
  if (kind === 'json-schema') return { widget: 'json-schema' };
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return { widget: 'enum', options: schema.enum as string[] };
  switch (schema.type) {
    case 'string':
      return { widget: 'text' };
    case 'number':
      return { widget: 'number' };
    case 'integer':
      return { widget: 'integer' };
    case 'boolean':
      return { widget: 'boolean' };
    case 'array': {
      const itemType = (schema.items as Schema | undefined)?.type;
      if (itemType === 'string') return { widget: 'list', item: 'text' };
      if (itemType === 'number' || itemType === 'integer') return { widget: 'list', item: 'number' };
      return { widget: 'json' };
    }
    default:
      return { widget: 'json' };
  }
}

export function configFields(configSchema: Schema): FieldSpec[] {
  const properties = (configSchema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((configSchema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    ...widgetOf(schema),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...('default' in schema ? { default: schema.default } : {}),
    required: required.has(name),
    ...(bound(schema.minimum) !== undefined ? { minimum: bound(schema.minimum) } : {}),
    ...(bound(schema.maximum) !== undefined ? { maximum: bound(schema.maximum) } : {}),
    semantic: schema['x-semantic'] !== false,
    ...graphSettingOf(schema),
  }));
}

function graphSettingOf(schema: Schema): Pick<FieldSpec, 'graphSetting'> {
  const key = videoSettingKey(schema[GRAPH_SETTING]);
  return key ? { graphSetting: key } : {};
}

/** The field as the graph's video budget sets it: its default is the graph's value when the graph sets one. */
export function withGraphBudget(spec: FieldSpec, video: Partial<VideoBudget> | undefined): FieldSpec {
  const inherited = spec.graphSetting && video?.[spec.graphSetting];
  return inherited === undefined ? spec : { ...spec, default: inherited };
}

/** The problem with a number typed into a field, if any (the engine's validation has the last word). */
export function numberProblem(spec: FieldSpec, value: number): string | undefined {
  if (Number.isNaN(value)) return 'not a number';
  if (spec.widget === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
  if (spec.minimum !== undefined && value < spec.minimum) return `must be at least ${spec.minimum}`;
  if (spec.maximum !== undefined && value > spec.maximum) return `must be at most ${spec.maximum}`;
  return undefined;
}
