import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_QUERY } from '../api/contract.ts';

/** A fresh secret for one server run: 256 random bits. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token a request carries, from `Authorization: Bearer …` or else from `?token=`. */
export function requestToken(authorization: string | undefined, url: URL): string | undefined {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? url.searchParams.get(TOKEN_QUERY) ?? undefined;
}

/** Constant-time comparison; hashing first gives equal lengths and hides the token's length. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(sha256(expected), sha256(given));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
