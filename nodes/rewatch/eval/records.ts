import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { z } from 'zod';
import type { BenchmarkQuestion, LoadedBenchmark, RejectedRecord } from './question.ts';

/** One record of a released annotation file, named as a person would look it up: `record 3`, `line 4`, `row 2`. */
interface SourceRecord {
  readonly label: string;
  readonly value: unknown;
  /** Why the record could not even be read (a JSON Lines line that is not JSON). */
  readonly problem?: string;
}

/** A record that names a field a loader cannot use: rejected with that field, the other records go on. */
export class RecordProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parquet INT64 columns arrive as bigint; the annotation schemas read plain numbers. */
const plainNumbers = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]));

/** The records of a released annotation file: a JSON array, JSON Lines or Parquet, by extension. */
export async function readRecords(file: string): Promise<SourceRecord[]> {
  const extension = extname(file).toLowerCase();
  if (!['.json', '.jsonl', '.parquet'].includes(extension)) {
    throw new Error(`${file}: unsupported annotation file (expected .json, .jsonl or .parquet)`);
  }
  if (extension === '.parquet') {
    const bytes = await readFile(file);
    const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    return rows.map((row, i) => ({ label: `row ${i + 1}`, value: plainNumbers(row) }));
  }
  const text = await readFile(file, 'utf8');
  if (extension === '.jsonl') {
    return text.split('\n').flatMap((line, i): SourceRecord[] => {
      if (!line.trim()) return [];
      try {
        return [{ label: `line ${i + 1}`, value: JSON.parse(line) }];
      } catch (error) {
        return [{ label: `line ${i + 1}`, value: undefined, problem: `not valid JSON (${(error as Error).message})` }];
      }
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of records, found ${typeof parsed}`);
  return parsed.map((value, i) => ({ label: `record ${i}`, value }));
}

export interface ParsedRecord<T> {
  readonly label: string;
  readonly row: T;
}

/** Records checked against a benchmark's published schema; each failing one is rejected naming its first bad field. */
export function parseRecords<S extends z.ZodType>(
  file: string,
  records: readonly SourceRecord[],
  schema: S,
): { parsed: ParsedRecord<z.output<S>>[]; rejected: RejectedRecord[] } {
  const parsed: ParsedRecord<z.output<S>>[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    if (record.problem) {
      rejected.push({ file, record: record.label, field: '(record)', message: record.problem });
      continue;
    }
    const result = schema.safeParse(record.value);
    if (result.success) parsed.push({ label: record.label, row: result.data });
    else {
      const issue = result.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : '(record)';
      rejected.push({ file, record: record.label, field, message: issue.message });
    }
  }
  return { parsed, rejected };
}

/** Builds one question per item; an item whose build throws a `RecordProblem` is rejected, the others kept. */
export function buildQuestions<T>(
  file: string,
  items: readonly ParsedRecord<T>[],
  build: (row: T) => BenchmarkQuestion,
): LoadedBenchmark {
  const loaded: LoadedBenchmark = { questions: [], rejected: [] };
  for (const { label, row } of items) {
    try {
      loaded.questions.push(build(row));
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      loaded.rejected.push({ file, record: label, field: error.field, message: error.message });
    }
  }
  return loaded;
}

/** The first of `names` that exists in `dir`, as an absolute path; otherwise a problem with `field` naming what was tried. */
export function videoFile(dir: string, field: string, names: readonly string[]): string {
  const paths = names.map((name) => resolve(dir, name));
  const found = paths.find((path) => existsSync(path));
  if (!found) throw new RecordProblem(field, `video not found: ${paths.join(' or ')}`);
  return found;
}

/** A record field that must hold a non-empty string (read trimmed). */
export const text = z.string().trim().min(1);

/** Reads a released annotation file, checks each record against `schema` and builds one question per record. */
export async function loadQuestions<S extends z.ZodType>(
  file: string,
  schema: S,
  build: (row: z.output<S>) => BenchmarkQuestion,
): Promise<LoadedBenchmark> {
  const { parsed, rejected } = parseRecords(file, await readRecords(file), schema);
  const loaded = buildQuestions(file, parsed, build);
  return { questions: loaded.questions, rejected: [...rejected, ...loaded.rejected] };
}
