import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { EngineApi } from '../../main/api/contract.ts';
import { createApiServer, createToken } from '../../main/server/index.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { FakeEngine } from './fake-engine.ts';

export interface Harness {
  engine: FakeEngine;
  token: string;
  url: string;
  port: number;
  /** A client with the right token. */
  client: EngineApi;
  /** Blobs served by hash. */
  media: Map<string, string>;
  tempDir: string;
  close(): Promise<void>;
}

export async function startHarness(options: { staticDir?: string } = {}): Promise<Harness> {
  const engine = new FakeEngine();
  const token = createToken();
  const media = new Map<string, string>();
  const tempDir = await mkdtemp(path.join(tmpdir(), 'rewatch-server-'));
  const server = createApiServer({ engine, token, resolveMedia: (hash) => media.get(hash), ...options });
  const { url, port, close } = await server.listen();
  const client = createHttpEngineClient({ baseUrl: url, token, WebSocket, reconnect: { initialMs: 20, maxMs: 200 } });
  return {
    engine,
    token,
    url,
    port,
    client,
    media,
    tempDir,
    async close() {
      await close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with full control of the headers (fetch will not let tests set `Host`). */
export function rawRequest(
  port: number,
  requestPath: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: requestPath, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Opens a WebSocket and reports how the handshake ended: `open`, or the HTTP status it was refused with. */
export function tryWebSocket(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.on('error', reject);
  });
}
