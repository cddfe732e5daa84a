import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { Dataset } from '../types.ts';

export type WrittenFile = Dataset['files'][number];

/**
 * Streams chunks to a temporary file beside `path` and renames it into place, so a trainer never reads half a file.
 * `rows` is what the file holds (0 for metadata files such as `dataset_info.json`).
 */
export async function writeAtomically(
  path: string,
  chunks: Iterable<string | Uint8Array>,
  rows: number,
  signal: AbortSignal,
): Promise<WrittenFile> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(temporary);
  const digest = createHash('sha256');
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      signal.throwIfAborted();
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      digest.update(data);
      bytes += data.byteLength;
      if (!out.write(data)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await rename(temporary, path);
  } catch (error) {
    out.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  return { path, rows, bytes, sha256: digest.digest('hex') };
}

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
