import { Hono, type MiddlewareHandler } from 'hono';
import { type EngineApi, routes } from '../api/contract.ts';
import { requestToken, tokenMatches } from './auth.ts';
import { registerEngineRoutes } from './engine-routes.ts';
import { errorReply } from './errors.ts';
import { securityHeaders } from './headers.ts';
import { isLoopbackHost } from './host.ts';
import { mediaHandler } from './media.ts';
import { staticHandler } from './static.ts';

export interface ApiServerOptions {
  engine: EngineApi;
  token: string;
  /** Absolute path of the blob with this content hash, if there is one. */
  resolveMedia: (hash: string) => string | undefined;
  /** The built renderer, served at `/` when given. */
  staticDir?: string;
}

/** The HTTP side of the server as a fetch handler (the event stream is attached to the node server separately). */
export function createApp({ engine, token, resolveMedia, staticDir }: ApiServerOptions): Hono {
  const app = new Hono();
  app.use(securityHeaders);
  app.use(requireLoopbackHost);
  app.use('/api/*', requireToken(token));

  registerEngineRoutes(app, engine);
  app.get(routes.media.path, mediaHandler(resolveMedia));
  app.get(routes.events.path, (c) => c.json({ error: 'this route needs a WebSocket upgrade' }, 426));
  if (staticDir !== undefined) app.get('*', staticHandler(staticDir));

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    const { status, body } = errorReply(error);
    if (status === 500) console.error('[rewatch serve]', error);
    return c.json(body, status);
  });
  return app;
}

const requireLoopbackHost: MiddlewareHandler = async (c, next) => {
  if (!isLoopbackHost(c.req.header('host'))) return c.json({ error: 'Host header must be localhost or loopback' }, 403);
  await next();
};

function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (!tokenMatches(token, requestToken(c.req.header('authorization'), new URL(c.req.url)))) {
      return c.json({ error: 'missing or wrong token' }, 401);
    }
    await next();
  };
}
