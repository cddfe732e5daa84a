import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseRange } from './range.ts';

/** Gives the Content-Type of the opened file; `readHead` reads its first `bytes` bytes for sniffing. */
type ContentTypeOf = (readHead: (bytes: number) => Promise<Uint8Array>) => string | Promise<string>;

/**
 * Serves a file for `request` with byte-range support (200, 206 or 416; HEAD without a body), streaming it from
 * disk. Resolves to undefined when there is no regular file at `filePath`.
 */
export async function fileResponse(
  request: Request,
  filePath: string,
  contentTypeOf: ContentTypeOf,
): Promise<Response | undefined> {
  const handle = await openExisting(filePath);
  if (!handle) return undefined;
  let streaming = false;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    const headers = new Headers({
      'Content-Type': await contentTypeOf((bytes) => readHead(handle, bytes)),
      'Accept-Ranges': 'bytes',
      'Last-Modified': stats.mtime.toUTCString(),
    });

    const range = parseRange(request.headers.get('range') ?? undefined, stats.size);
    if (range.kind === 'unsatisfiable') {
      headers.set('Content-Range', `bytes */${stats.size}`);
      headers.set('Content-Type', 'application/json');
      return new Response(JSON.stringify({ error: 'range not satisfiable' }), { status: 416, headers });
    }

    const { start, end } = range.kind === 'partial' ? range : { start: 0, end: stats.size - 1 };
    headers.set('Content-Length', String(end - start + 1));
    if (range.kind === 'partial') headers.set('Content-Range', `bytes ${start}-${end}/${stats.size}`);
    const status = range.kind === 'partial' ? 206 : 200;
    if (request.method === 'HEAD' || stats.size === 0) return new Response(null, { status, headers });

    // The stream owns the handle from here and closes it when it ends or the client goes away.
    streaming = true;
    const body = Readable.toWeb(handle.createReadStream({ start, end })) as ReadableStream<Uint8Array>;
    return new Response(body, { status, headers });
  } finally {
    if (!streaming) await handle.close();
  }
}

async function openExisting(filePath: string): Promise<FileHandle | undefined> {
  try {
    return await open(filePath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}

async function readHead(handle: FileHandle, bytes: number): Promise<Uint8Array> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
  return buffer.subarray(0, bytesRead);
}
