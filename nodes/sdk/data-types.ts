import { z } from 'zod';

/** A kind of item that flows along an edge. Ports are typed by data type; an edge is valid when the types agree. */
export interface DataType<T = unknown> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** CSS colour of the port handles in the editor. */
  readonly color: string;
  readonly schema: z.ZodType<T>;
  /** Other data types whose items may be connected to a port of this type. */
  readonly accepts: readonly string[];
}

const registry = new Map<string, DataType>();

export function defineDataType<T>(spec: {
  id: string;
  title: string;
  description: string;
  color: string;
  schema: z.ZodType<T>;
  accepts?: readonly string[];
}): DataType<T> {
  if (registry.has(spec.id)) throw new Error(`data type "${spec.id}" is defined twice`);
  const type: DataType<T> = { accepts: [], ...spec };
  registry.set(spec.id, type as DataType);
  return type;
}

export function listDataTypes(): DataType[] {
  return [...registry.values()];
}

/** Whether items of type `from` may flow into a port of type `to`. */
export function isAssignable(from: string, to: string): boolean {
  if (to === AnyType.id || from === to) return true;
  return registry.get(to)?.accepts.includes(from) ?? false;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const AnyType = defineDataType<JsonValue>({
  id: 'Any',
  title: 'Any',
  description: 'Any JSON value. A port of this type accepts every data type.',
  color: '#9ca3af',
  schema: jsonValue,
});

export const RecordType = defineDataType<JsonObject>({
  id: 'Record',
  title: 'Record',
  description: 'A JSON object with free-form fields, as read from a JSON Lines file.',
  color: '#60a5fa',
  schema: z.record(z.string(), jsonValue),
});
