import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVE_PORT, SERVER_SETTINGS_FILE, servePort } from '../../main/server/serve-port.ts';
import { TOKEN_FILE, persistentToken } from '../../main/server/token-file.ts';
import { tempDir } from '../support/engine-fixture.ts';

const dirs: Array<{ remove(): void }> = [];
function dataDir(): string {
  const dir = tempDir('rewatch-serve-');
  dirs.push(dir);
  return join(dir.path, 'data');
}
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('the server token kept in the data dir', () => {
  it('is made on first start, 0600, and the same on every later start', () => {
    const dir = dataDir();
    const token = persistentToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = join(dir, TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(persistentToken(dir)).toBe(token);
  });

  it('differs between data dirs', () => {
    expect(persistentToken(dataDir())).not.toBe(persistentToken(dataDir()));
  });

  it('takes the file back to 0600 when its mode was widened', () => {
    const dir = dataDir();
    const token = persistentToken(dir);
    chmodSync(join(dir, TOKEN_FILE), 0o644);
    expect(persistentToken(dir)).toBe(token);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('replaces a damaged file with a fresh token, still 0600', () => {
    const dir = dataDir();
    persistentToken(dir);
    const file = join(dir, TOKEN_FILE);
    writeFileSync(file, 'not a token\n', { mode: 0o644 });
    const token = persistentToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('the port rewatch serve listens on', () => {
  it('is the stable default when nothing sets it', () => {
    expect(servePort({ dataDir: dataDir() })).toBe(DEFAULT_SERVE_PORT);
  });

  it('takes --port over REWATCH_PORT over the data dir’s server.yaml', () => {
    const dir = dataDir();
    persistentToken(dir); // creates the dir
    writeFileSync(join(dir, SERVER_SETTINGS_FILE), 'port: 6100\n');
    expect(servePort({ dataDir: dir })).toBe(6100);
    expect(servePort({ env: '6200', dataDir: dir })).toBe(6200);
    expect(servePort({ flag: '6300', env: '6200', dataDir: dir })).toBe(6300);
    expect(servePort({ flag: '0', dataDir: dir })).toBe(0);
  });

  it('names the source of a bad value', () => {
    const dir = dataDir();
    expect(() => servePort({ flag: 'http', dataDir: dir })).toThrow('--port must be a port number 0-65535, got "http"');
    expect(() => servePort({ env: '70000', dataDir: dir })).toThrow('REWATCH_PORT must be a port number 0-65535, got "70000"');
    persistentToken(dir);
    writeFileSync(join(dir, SERVER_SETTINGS_FILE), 'port: 99999\nhost: 0.0.0.0\n');
    expect(() => servePort({ dataDir: dir })).toThrow(/server\.yaml: (port: .*; \(root\): .*host|.*host.*; port)/);
  });
});
