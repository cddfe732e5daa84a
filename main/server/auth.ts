import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_QUERY, routes } from '../api/contract.ts';

/** A fresh secret for one server run: 256 random bits. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The routes whose clients cannot send headers (media elements, a browser's WebSocket): they may send `?token=`. */
const QUERY_TOKEN_ROUTES = [routes.media.path, routes.events.path].map(
  (path) => new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
);

/**
 * The token a request carries: from `Authorization: Bearer …`, or from `?token=` on a GET of a route whose clients
 * cannot send headers (anywhere else a token in the URL would only end up in logs and histories).
 */
export function requestToken(request: { method: string; authorization: string | undefined; url: URL }): string | undefined {
  const bearer = request.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer !== undefined) return bearer;
  const queryAllowed = (request.method === 'GET' || request.method === 'HEAD') && QUERY_TOKEN_ROUTES.some((route) => route.test(request.url.pathname));
  return queryAllowed ? (request.url.searchParams.get(TOKEN_QUERY) ?? undefined) : undefined;
}

/** Constant-time comparison; hashing first gives equal lengths and hides the token's length. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(sha256(expected), sha256(given));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
