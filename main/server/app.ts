import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type EngineApi, MAX_REQUEST_BODY_BYTES, routes } from '../api/contract.ts';
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
  app.use('/api/*', requireToken(token), limitBody);

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
    const request = { method: c.req.method, authorization: c.req.header('authorization'), url: new URL(c.req.url) };
    if (!tokenMatches(token, requestToken(request))) {
      return c.json({ error: 'missing or wrong token' }, 401);
    }
    await next();
  };
}

/** Bodies are counted as they stream in: one over the limit is refused with 413 before more of it is read. */
const limitBody = bodyLimit({
  maxSize: MAX_REQUEST_BODY_BYTES,
  onError: (c) => c.json({ error: `the request body is larger than ${MAX_REQUEST_BODY_BYTES} bytes` }, 413),
});
