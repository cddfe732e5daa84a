import { TOKEN_QUERY, routes } from '../../main/api/contract.ts';
import { routeUrl } from './url.ts';

/** A URL for `<video src>` / `<img src>`: media elements cannot send headers, so the token goes in the query. */
export function mediaUrl(baseUrl: string, token: string, hash: string): string {
  return routeUrl(baseUrl, routes.media.path, { hash }, { [TOKEN_QUERY]: token });
}
