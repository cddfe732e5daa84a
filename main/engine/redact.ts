import { maskSecretValues } from '../graph/secrets.ts';

/**
 * Provider and host addresses may carry credentials (`https://user:password@host/v1?api_key=…`). What the engine
 * shows of them (settings, connection-test errors) goes through these first.
 */

const MASK = '***';
/** Query parameters whose value is a credential: `token`, `api_key`, `access_token`, `sig`, `X-Amz-Signature`… */
const SECRET_PARAM = /(token|key|secret|passw(or)?d|auth|sig(nature)?|credential)/i;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** `url` as written, with the password of its user info and the values of credential-like query parameters masked. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]*@/i, `$1:${MASK}@`)
    .replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (whole, separator: string, name: string) =>
      SECRET_PARAM.test(decodeURIComponentSafe(name)) ? `${separator}${name}=${MASK}` : whole,
    );
}

/** `text` (an error message) with every URL in it redacted and secret-looking values masked. */
export function redactText(text: string): string {
  return maskSecretValues(text.replace(URL_IN_TEXT, redactUrl));
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
