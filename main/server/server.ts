import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { type ApiServerOptions, createApp } from './app.ts';
import { attachEventStream } from './events.ts';
import { urlHost } from './host.ts';

export interface ListenOptions {
  /** Loopback by default: the server is for this machine only. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  /** `http://host:port`, without the token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ApiServer {
  /** The HTTP routes as a fetch handler, e.g. for `app.request()` in tests. */
  app: Hono;
  listen(options?: ListenOptions): Promise<RunningServer>;
}

/**
 * The local server behind `rewatch serve`: the engine API over HTTP, its events over a WebSocket, media blobs and
 * (optionally) the built editor, all behind `token` except the editor's static files.
 *
 * How the page gets the token: the CLI prints `editorUrl(url, token)`, i.e. `http://127.0.0.1:PORT/#token=…`. The
 * fragment never leaves the browser (it is not sent to the server, logged or put in Referer); the page reads it from
 * `location.hash` (`tokenFromHash` in `renderer/api`) and sends it as a Bearer header, or `?token=` for media and the
 * WebSocket.
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const app = createApp(options);
  return {
    app,
    async listen({ host = '127.0.0.1', port = 0 } = {}) {
      // overrideGlobalObjects: false keeps @hono/node-server from replacing the process's global Request/Response.
      const server = createServer(getRequestListener(app.fetch, { overrideGlobalObjects: false }));
      const events = attachEventStream(server, options);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port: boundPort } = server.address() as AddressInfo;
      return {
        url: `http://${urlHost(host)}:${boundPort}`,
        port: boundPort,
        async close() {
          const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeAllConnections();
          await Promise.all([httpClosed, events.close()]);
        },
      };
    },
  };
}

/** The address to open the editor at: the server URL with the token in the fragment. */
export function editorUrl(url: string, token: string): string {
  return `${url}/#token=${encodeURIComponent(token)}`;
}
