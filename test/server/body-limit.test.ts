import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../main/api/contract.ts';
import { type Harness, startHarness } from './harness.ts';

const CHUNK = Buffer.alloc(1 << 20, 0x20);

/**
 * POSTs up to `totalBytes` of spaces in 1 MiB chunks, waiting for each to drain, and stops writing as soon as the
 * server answers. Resolves with the status, the body and how many bytes were written by then.
 */
function streamBody(
  h: Harness,
  totalBytes: number,
  { chunked }: { chunked: boolean },
): Promise<{ status: number; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const headers: Record<string, string | number> = { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' };
    if (!chunked) headers['Content-Length'] = totalBytes;
    const request = http.request({ host: '127.0.0.1', port: h.port, path: '/api/graphs/validate', method: 'POST', headers }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), written }));
    });
    // The server may close the connection on an unread body once it has answered; only an error before that fails.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const writeMore = (): void => {
      while (!answered && written < totalBytes) {
        written += CHUNK.length;
        if (!request.write(CHUNK)) {
          request.once('drain', writeMore);
          return;
        }
      }
      if (!answered) request.end();
    };
    writeMore();
  });
}

describe('request body limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('refuses a body announced larger than the limit with 413, without reading it', async () => {
    const reply = await streamBody(h, 4 * MAX_REQUEST_BODY_BYTES, { chunked: false });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({ error: `the request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes` });
    expect(reply.written).toBeLessThan(2 * MAX_REQUEST_BODY_BYTES);
    expect(h.engine.calls).toEqual([]);
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const reply = await streamBody(h, 8 * MAX_REQUEST_BODY_BYTES, { chunked: true });
    expect(reply.status).toBe(413);
    expect(reply.written).toBeGreaterThan(MAX_REQUEST_BODY_BYTES);
    expect(reply.written).toBeLessThan(4 * MAX_REQUEST_BODY_BYTES);
    expect(h.engine.calls).toEqual([]);
  });

  it('still reads a body under the limit', async () => {
    const graph = { format: 'rewatch-studio/graph', version: 1, name: 'g', nodes: [], edges: [], description: ' '.repeat(1 << 20) };
    const response = await fetch(`${h.url}/api/graphs/validate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ graph }),
    });
    expect(response.status).toBe(200);
    expect(h.engine.calls).toHaveLength(1);
  });
});
