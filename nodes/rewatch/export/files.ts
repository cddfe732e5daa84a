import { writeAtomically, type WrittenFile } from '../../sdk/index.ts';

export function writeJsonLines(path: string, rows: readonly unknown[], signal: AbortSignal): Promise<WrittenFile> {
  return writeAtomically(path, (function* () {
    for (const row of rows) yield `${JSON.stringify(row)}\n`;
  })(), rows.length, signal);
}

/** One JSON array, a row per line, as LLaMA-Factory reads `.json` datasets. */
export function writeJsonArray(path: string, rows: readonly unknown[], signal: AbortSignal): Promise<WrittenFile> {
  return writeAtomically(path, (function* () {
    yield '[';
    for (const [i, row] of rows.entries()) yield `${i ? ',' : ''}\n  ${JSON.stringify(row)}`;
    yield rows.length ? '\n]\n' : ']\n';
  })(), rows.length, signal);
}

/** A small metadata file (no data rows), pretty-printed for people to read. */
export function writeJsonDocument(path: string, value: unknown, signal: AbortSignal): Promise<WrittenFile> {
  return writeAtomically(path, [`${JSON.stringify(value, null, 2)}\n`], 0, signal);
}
