import { parquetWriteBuffer } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { VerlRow } from './grpo-rows.ts';

/**
 * verl's RL rows as Parquet with real nested columns, as pandas/pyarrow would write them: `prompt` and `videos` are
 * 3-level LISTs of structs (`<col>.list.element.<field>`), `reward_model` and `extra_info` are structs.
 */

const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'REQUIRED',
});
const integer = (name: string): SchemaElement => ({ name, type: 'INT64', repetition_type: 'REQUIRED' });
const struct = (name: string, fields: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', num_children: fields.length },
  ...fields,
];
const listOf = (name: string, fields: SchemaElement[]): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...struct('element', fields),
];

const COLUMNS = ['data_source', 'prompt', 'videos', 'ability', 'reward_model', 'extra_info'] as const satisfies ReadonlyArray<
  keyof VerlRow
>;

const VERL_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: COLUMNS.length },
  text('data_source'),
  ...listOf('prompt', [text('role'), text('content')]),
  ...listOf('videos', [
    text('video'),
    { name: 'fps', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    integer('max_frames'),
    integer('min_pixels'),
    integer('max_pixels'),
  ]),
  text('ability'),
  ...struct('reward_model', [text('style'), text('ground_truth')]),
  ...struct('extra_info', [
    text('question_id'),
    text('caption_id'),
    text('type'),
    text('split'),
    integer('index'),
  ]),
];

/** The columns holding INT64 fields, written with those fields as the BigInts hyparquet-writer takes. */
const WITH_INT64: Partial<Record<(typeof COLUMNS)[number], (row: VerlRow) => unknown>> = {
  videos: (row: VerlRow) =>
    row.videos.map((v) => ({ ...v, max_frames: BigInt(v.max_frames), min_pixels: BigInt(v.min_pixels), max_pixels: BigInt(v.max_pixels) })),
  extra_info: (row: VerlRow) => ({ ...row.extra_info, index: BigInt(row.extra_info.index) }),
};

export function verlParquet(rows: readonly VerlRow[]): Uint8Array {
  const columnData = COLUMNS.map((name) => ({
    name,
    data: rows.map((row) => WITH_INT64[name]?.(row) ?? row[name]),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: VERL_SCHEMA }));
}
