import type { Hono } from 'hono';
import { type ApiServerOptions, createApp } from './app.ts';
import { attachEventStream } from './events.ts';
import { listenHttp, type ListenOptions, type RunningServer } from './listen.ts';

export type { ListenOptions, RunningServer } from './listen.ts';

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
    listen: (listenOptions) => listenHttp(app.fetch, listenOptions, (server) => attachEventStream(server, options)),
  };
}

/** The address to open the editor at: the server URL with the token in the fragment. */
export function editorUrl(url: string, token: string): string {
  return `${url}/#token=${encodeURIComponent(token)}`;
}
