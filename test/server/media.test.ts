import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../../main/server/range.ts';
import { sniffMediaType } from '../../main/server/mime.ts';
import { mediaUrl } from '../../renderer/api/index.ts';
import { type Harness, rawRequest, startHarness } from './harness.ts';

const SIZE = 1024 * 1024 + 7;
const VIDEO = '1'.repeat(64);
const BLOB = '2'.repeat(64);
const GONE = '3'.repeat(64);
const UNKNOWN = '4'.repeat(64);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('media route', () => {
  let h: Harness;
  let content: Buffer;
  const get = (hash: string, headers: Record<string, string> = {}) =>
    fetch(mediaUrl(h.url, h.token, hash), { headers });

  beforeAll(async () => {
    h = await startHarness();
    content = randomBytes(SIZE);
    const video = path.join(h.tempDir, 'clip.mp4');
    const blob = path.join(h.tempDir, BLOB); // no extension: typed by sniffing
    await writeFile(video, content);
    await writeFile(blob, Buffer.concat([PNG_SIGNATURE, randomBytes(100)]));
    h.media.set(VIDEO, video);
    h.media.set(BLOB, blob);
    h.media.set(GONE, path.join(h.tempDir, 'deleted.mp4'));
  });
  afterAll(() => h.close());

  it('serves the whole file with its type and Accept-Ranges', async () => {
    const response = await get(VIDEO);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-length')).toBe(String(SIZE));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, SIZE - 1],
    ['bytes=-10', SIZE - 10, SIZE - 1],
    ['bytes=500-99999999', 500, SIZE - 1],
  ])('serves %s as 206 Partial Content', async (range, start, end) => {
    const response = await get(VIDEO, { Range: range });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await response.arrayBuffer()).equals(content.subarray(start, end + 1))).toBe(true);
  });

  it.each(['bytes=2000000-', `bytes=${SIZE}-${SIZE + 10}`, 'bytes=-0'])('answers %s with 416', async (range) => {
    const response = await get(VIDEO, { Range: range });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${SIZE}`);
    await response.body?.cancel();
  });

  it('answers HEAD with headers and no body', async () => {
    const url = new URL(mediaUrl(h.url, h.token, VIDEO));
    const response = await rawRequest(h.port, url.pathname + url.search, {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(SIZE));
    expect(response.body.length).toBe(0);
  });

  it('sniffs the type of a blob stored without an extension', async () => {
    const response = await get(BLOB);
    expect(response.headers.get('content-type')).toBe('image/png');
    await response.body?.cancel();
  });

  it('answers a malformed hash with 400 and an unknown or missing blob with 404', async () => {
    for (const hash of ['abc', 'A'.repeat(64), `${'a'.repeat(63)}g`, '..%2F..%2Fetc%2Fpasswd']) {
      expect((await get(hash)).status).toBe(400);
    }
    expect((await get(UNKNOWN)).status).toBe(404);
    expect((await get(GONE)).status).toBe(404);
  });

  it('survives a client that stops reading halfway', async () => {
    const controller = new AbortController();
    const response = await fetch(mediaUrl(h.url, h.token, VIDEO), { signal: controller.signal });
    await response.body?.getReader().read();
    controller.abort();
    expect((await get(VIDEO, { Range: 'bytes=0-0' })).status).toBe(206);
  });
});

describe('parseRange', () => {
  it('reads single ranges and ignores malformed or multiple ones', () => {
    expect(parseRange(undefined, 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=2-4', 10)).toEqual({ kind: 'partial', start: 2, end: 4 });
    expect(parseRange('bytes=-20', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=5-2', 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-1,3-4', 10)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-1', 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('sniffMediaType', () => {
  it('recognizes the served media formats by their first bytes', () => {
    const ebml = (docType: string) =>
      Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82]), Buffer.from(docType)]);
    expect(sniffMediaType(Buffer.from('\0\0\0\x18ftypisom', 'latin1'))).toBe('video/mp4');
    expect(sniffMediaType(ebml('webm'))).toBe('video/webm');
    expect(sniffMediaType(ebml('matroska'))).toBe('video/x-matroska');
    expect(sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(PNG_SIGNATURE)).toBe('image/png');
    expect(sniffMediaType(Buffer.from(' {"a":1}'))).toBe('application/json');
    expect(sniffMediaType(Buffer.from('<html>'))).toBeUndefined();
  });
});
