import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { invalidSettingsError } from '../field-errors.ts';

/**
 * The port `rewatch serve` (and `npm start`) listens on unless told otherwise. Fixed, so the editor's address stays
 * the same across restarts: an open page reconnects, and the origin's localStorage (recent files) stays its own.
 */
export const DEFAULT_SERVE_PORT = 5178;

/** The data dir's `server.yaml`: `port: 5178` (0 picks a free port on each start). */
export const SERVER_SETTINGS_FILE = 'server.yaml';

const portSchema = z.coerce.number().int().min(0).max(65535);
const serverSettingsSchema = z.object({ port: portSchema.optional() }).strict();

/** Where the port came from, for the error that names it. */
export interface PortSources {
  /** `--port`. */
  flag?: string | undefined;
  /** `REWATCH_PORT`. */
  env?: string | undefined;
  dataDir: string;
}

/** The port: `--port`, else `REWATCH_PORT`, else the data dir's `server.yaml`, else `DEFAULT_SERVE_PORT`. */
export function servePort({ flag, env, dataDir }: PortSources): number {
  if (flag !== undefined) return parsePort(flag, '--port');
  if (env) return parsePort(env, 'REWATCH_PORT');
  const file = join(dataDir, SERVER_SETTINGS_FILE);
  if (!existsSync(file)) return DEFAULT_SERVE_PORT;
  let data: unknown;
  try {
    data = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot parse: ${(error as Error).message}`);
  }
  const parsed = serverSettingsSchema.safeParse(data ?? {});
  if (!parsed.success) throw invalidSettingsError(file, parsed.error);
  return parsed.data.port ?? DEFAULT_SERVE_PORT;
}

function parsePort(text: string, source: string): number {
  const parsed = portSchema.safeParse(text.trim() === '' ? Number.NaN : text);
  if (!parsed.success) throw new RangeError(`${source} must be a port number 0-65535, got ${JSON.stringify(text)}`);
  return parsed.data;
}
