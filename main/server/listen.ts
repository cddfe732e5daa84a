import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { urlHost } from './host.ts';

export interface ListenOptions {
  /** Loopback by default: the server is for this machine only. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves a fetch handler (a Hono app's) over node:http on `host:port`. `attach` adds to the server before it listens
 * (a WebSocket upgrade handler) and returns what `close` must also wait for.
 */
export async function listenHttp(
  fetch: (request: Request) => Response | Promise<Response>,
  { host = '127.0.0.1', port = 0 }: ListenOptions = {},
  attach: (server: Server) => { close(): Promise<void> } = () => ({ close: async () => {} }),
): Promise<RunningServer> {
  // overrideGlobalObjects: false keeps @hono/node-server from replacing the process's global Request/Response.
  const server = createServer(getRequestListener(fetch, { overrideGlobalObjects: false }));
  const attached = attach(server);
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, attached.close()]);
    },
  };
}
