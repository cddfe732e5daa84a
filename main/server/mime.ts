import path from 'node:path';

const OCTET_STREAM = 'application/octet-stream';
export const HTML = 'text/html; charset=utf-8';

/**
 * Media blobs come from pipeline data, so they are only ever served as these inert types: never as HTML, SVG or
 * script, which would run with the editor's origin (and its token).
 */
const MEDIA_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.json': 'application/json',
};

const STATIC_TYPES: Record<string, string> = {
  ...MEDIA_TYPES,
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function staticType(filePath: string): string {
  return STATIC_TYPES[path.extname(filePath).toLowerCase()] ?? OCTET_STREAM;
}

/** The type of a media blob by its extension, else by its first bytes (blobs are often stored under bare hashes). */
export function mediaType(filePath: string, head: Uint8Array): string {
  return MEDIA_TYPES[path.extname(filePath).toLowerCase()] ?? sniffMediaType(head) ?? OCTET_STREAM;
}

/** How many leading bytes `sniffMediaType` looks at. */
export const SNIFF_BYTES = 64;

export function sniffMediaType(head: Uint8Array): string | undefined {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  if (bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) {
    // Matroska and WebM share the EBML header; the DocType element near the start tells them apart.
    return bytes.includes('webm', 0, 'latin1') ? 'video/webm' : 'video/x-matroska';
  }
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (/^\s*[{[]/.test(bytes.toString('utf8'))) return 'application/json';
  return undefined;
}
