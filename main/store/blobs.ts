import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobRef } from '../../nodes/sdk/index.ts';
import type { Db } from './database.ts';

const HASH = /^[a-f0-9]{64}$/;

/** Large outputs (frames, clips, exported files) live on disk under their sha256; the database keeps the index. */
export class BlobStore {
  readonly #db: Db;
  readonly #root: string;

  constructor(db: Db, dataDir: string) {
    this.#db = db;
    this.#root = join(dataDir, 'blobs');
  }

  path(hash: string): string {
    if (!HASH.test(hash)) throw new RangeError(`not a blob hash: ${JSON.stringify(hash)}`);
    return join(this.#root, hash.slice(0, 2), hash);
  }

  /** The file of a stored blob, or undefined. */
  find(hash: string): string | undefined {
    if (!HASH.test(hash)) return undefined;
    const path = this.path(hash);
    return existsSync(path) ? path : undefined;
  }

  /** A file hashed by `fileHash` that still has the size and modification time it had then. */
  knownFile(hash: string): string | undefined {
    if (!HASH.test(hash)) return undefined;
    const rows = this.#db.prepare('SELECT path, size, mtime_ms FROM file_hashes WHERE hash = ?').all(hash) as Array<{
      path: string;
      size: number;
      mtime_ms: number;
    }>;
    return rows.find((row) => {
      try {
        const info = statSync(row.path);
        return info.size === row.size && info.mtimeMs === row.mtime_ms;
      } catch {
        return false;
      }
    })?.path;
  }

  async put(data: Buffer | Uint8Array, mime?: string): Promise<BlobRef> {
    const hash = createHash('sha256').update(data).digest('hex');
    const path = this.path(hash);
    if (!existsSync(path)) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, data);
      await rename(temporary, path);
    }
    this.#db
      .prepare('INSERT OR IGNORE INTO artifacts (hash, size, mime, created_at) VALUES (?, ?, ?, ?)')
      .run(hash, data.byteLength, mime ?? null, Date.now());
    return { hash, size: data.byteLength };
  }

  /** Content hash of a file, memoised by path, size and modification time so big videos are read once. */
  async fileHash(path: string, signal?: AbortSignal): Promise<string> {
    const info = await stat(path);
    // A device such as /dev/zero would be read forever, a FIFO would block.
    if (!info.isFile()) throw new Error(`${path}: not a regular file`);
    const known = this.#db
      .prepare('SELECT hash FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?')
      .get(path, info.size, info.mtimeMs) as { hash: string } | undefined;
    if (known) return known.hash;
    const hash = await new Promise<string>((resolve, reject) => {
      const digest = createHash('sha256');
      // Reads of 1 MiB rather than the default 64 KiB: a sixteenth of the reads and digest calls on a big video.
      createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) })
        .on('data', (chunk) => digest.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(digest.digest('hex')));
    });
    this.#db
      .prepare('INSERT OR REPLACE INTO file_hashes (path, size, mtime_ms, hash) VALUES (?, ?, ?, ?)')
      .run(path, info.size, info.mtimeMs, hash);
    return hash;
  }
}
