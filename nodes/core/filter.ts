import { z } from 'zod';
import { AnyType, defineMapNode, lookupPath, type JsonValue } from '../sdk/index.ts';

const operators = ['equals', 'not-equals', 'contains', 'matches', 'gt', 'gte', 'lt', 'lte', 'exists', 'missing', 'truthy', 'falsy'] as const;
type Operator = (typeof operators)[number];

const config = z
  .object({
    field: z
      .string()
      .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a field name or dotted path such as `verdict.kept`')
      .meta({ description: 'Field (dotted path) of each item to test.' }),
    operator: z.enum(operators).default('equals').meta({ description: 'How the field is compared with `value`.' }),
    value: z.unknown().optional().meta({ description: 'What the field is compared with (JSON); unused by exists/missing/truthy/falsy.' }),
  })
  .superRefine((c, ctx) => {
    if (c.operator === 'matches') {
      try {
        new RegExp(String(c.value));
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `not a regular expression: ${(error as Error).message}` });
      }
    }
  });

function compare(operator: Operator, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case 'equals':
      return JSON.stringify(actual) === JSON.stringify(expected);
    case 'not-equals':
      return JSON.stringify(actual) !== JSON.stringify(expected);
    case 'contains':
      return Array.isArray(actual)
        ? actual.some((v) => JSON.stringify(v) === JSON.stringify(expected))
        : typeof actual === 'string' && actual.includes(String(expected));
    case 'matches':
      return typeof actual === 'string' && new RegExp(String(expected)).test(actual);
    case 'gt':
      return typeof actual === 'number' && actual > Number(expected);
    case 'gte':
      return typeof actual === 'number' && actual >= Number(expected);
    case 'lt':
      return typeof actual === 'number' && actual < Number(expected);
    case 'lte':
      return typeof actual === 'number' && actual <= Number(expected);
    case 'exists':
      return actual !== undefined;
    case 'missing':
      return actual === undefined;
    case 'truthy':
      return Boolean(actual);
    case 'falsy':
      return !actual;
  }
}

export const filter = defineMapNode({
  type: 'core.filter',
  version: 1,
  title: 'Filter',
  category: 'Core',
  description: 'Keeps the items whose field passes a condition; the others go to `dropped`.',
  inputs: { items: { type: AnyType, description: 'Items to test.' } },
  outputs: {
    kept: { type: AnyType, description: 'Items that pass.', sameTypeAs: 'items' },
    dropped: { type: AnyType, description: 'Items that do not.', sameTypeAs: 'items' },
  },
  config,
  over: 'items',
  concurrency: 1,
  async execute(_ctx, { items: item }, c) {
    const kept = compare(c.operator, lookupPath(item, c.field), c.value);
    return kept ? { kept: [item as JsonValue] } : { dropped: [item as JsonValue] };
  },
});
