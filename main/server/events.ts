import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type EngineApi, type RunEvent, routes } from '../api/contract.ts';
import { requestToken, tokenMatches } from './auth.ts';
import { isLoopbackHost } from './host.ts';

/** What the event sender needs of a socket (a `ws` WebSocket, or a fake in tests). */
export interface EventSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string, callback?: (error?: Error) => void): void;
  terminate(): void;
}

export interface BackpressureLimits {
  /** Above this many unsent bytes, progress is coalesced and logs/item errors are dropped. */
  congestedBytes: number;
  /** Above this the client is hopelessly behind: it is disconnected, and on reconnecting refetches state. */
  maxBytes: number;
}

const DEFAULT_LIMITS: BackpressureLimits = { congestedBytes: 1 << 20, maxBytes: 16 << 20 };

/**
 * Returns the function that forwards engine events to one client. While the client is congested, only the latest
 * `node-progress` per node is kept (sent once the socket drains or before the next event that must go out), and
 * `node-log`/`item-error` are dropped (item errors stay readable through `nodeErrors`). Everything else is always sent.
 */
export function createEventSender(
  socket: EventSocket,
  limits: BackpressureLimits = DEFAULT_LIMITS,
): (event: RunEvent) => void {
  const pendingProgress = new Map<string, RunEvent>();

  const send = (event: RunEvent): void => socket.send(JSON.stringify(event), afterSend);
  function afterSend(error?: Error): void {
    if (!error && socket.bufferedAmount < limits.congestedBytes) flushProgress();
  }
  function flushProgress(): void {
    const events = [...pendingProgress.values()];
    pendingProgress.clear();
    for (const event of events) send(event);
  }

  return (event) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > limits.maxBytes) {
      socket.terminate();
      return;
    }
    const congested = socket.bufferedAmount >= limits.congestedBytes;
    if (event.type === 'node-progress') {
      const key = `${event.runId}\0${event.nodeId}`;
      if (congested) {
        pendingProgress.set(key, event);
        return;
      }
      pendingProgress.delete(key);
    } else if (congested && (event.type === 'node-log' || event.type === 'item-error')) {
      return;
    }
    flushProgress();
    send(event);
  };
}

/** Serves `routes.events` on `server`: every authorized WebSocket receives every `RunEvent` as JSON text. */
export function attachEventStream(
  server: Server,
  { engine, token }: { engine: EngineApi; token: string },
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  wss.on('connection', (socket) => {
    const unsubscribe = engine.subscribe(createEventSender(socket));
    socket.on('close', unsubscribe);
    socket.on('error', () => socket.terminate());
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== routes.events.path) return refuse(socket, 404, 'no such WebSocket route');
    if (!isLoopbackHost(request.headers.host)) return refuse(socket, 403, 'Host header must be localhost or loopback');
    if (!fromOwnPage(request.headers.origin, request.headers.host)) {
      return refuse(socket, 403, 'WebSocket connections are accepted only from the editor served here');
    }
    const credentials = { method: request.method ?? 'GET', authorization: request.headers.authorization, url };
    if (!tokenMatches(token, requestToken(credentials))) {
      return refuse(socket, 401, 'missing or wrong token');
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  return {
    /** Disconnects every client; resolves once all of them are closed and unsubscribed. */
    close() {
      for (const client of wss.clients) client.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Browsers name the page opening a socket in `Origin` (and let any page open one): only the editor's own pages,
 * served from this server's address (so also in the Electron app, which loads the editor from it), may. Clients
 * that are not browsers send no `Origin`; they still need the token.
 */
function fromOwnPage(origin: string | undefined, host: string | undefined): boolean {
  return origin === undefined || (host !== undefined && origin.toLowerCase() === `http://${host.toLowerCase()}`);
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function refuse(socket: Duplex, status: 401 | 403 | 404, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
