import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createToken } from './auth.ts';

/** Where `rewatch serve` keeps its token: in the data dir, readable by its owner only. */
export const TOKEN_FILE = 'server-token';

/** A token as `createToken` makes them (32 random bytes, base64url); anything else in the file is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The data dir's server token, made on first use. Kept across restarts so that a page opened with it, and its
 * browser-side state (recent files live in the origin's localStorage), recover when the engine comes back.
 * The file is (re)set to 0600 on every start: a token others can read would let them drive the engine.
 */
export function persistentToken(dataDir: string): string {
  const path = join(dataDir, TOKEN_FILE);
  const stored = readToken(path);
  if (stored !== undefined) {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = createToken();
  // `mode` applies only when the file is created; a damaged file being replaced keeps its mode, hence the chmod.
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}

function readToken(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the server token ${path}: ${(error as Error).message}`);
  }
  return TOKEN_SHAPE.test(text) ? text : undefined;
}
