import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';

/** A file a node wrote: its rows (0 for metadata files such as `dataset_info.json`), size and content hash. */
export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Whether `path` names something other than a regular file: a device (`/dev/zero` never ends), a FIFO (blocks), a
 * socket or a folder. A path that does not exist is not one: readers report it, writers create it.
 */
export async function isNonRegularFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && !info.isFile();
}

/**
 * Streams chunks to a temporary file beside `path` and renames it into place, so a reader never sees half a file.
 * A target that exists as anything but a regular file is refused before anything is written (a rename would replace
 * a device with a file); the temporary file is removed when writing or renaming fails.
 */
export async function writeAtomically(
  path: string,
  chunks: Iterable<string | Uint8Array>,
  rows: number,
  signal: AbortSignal,
): Promise<WrittenFile> {
  if (await isNonRegularFile(path)) throw new Error(`${path}: not a regular file; exports write only regular files`);
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
    signal.throwIfAborted();
    out.end();
    await once(out, 'finish');
    await rename(temporary, path);
  } catch (error) {
    out.destroy();
    // The file may still be opening: removing it before the stream closes would let the open create it again.
    if (!out.closed) await once(out, 'close');
    await rm(temporary, { force: true });
    throw error;
  }
  return { path, rows, bytes, sha256: digest.digest('hex') };
}
