import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/server/headers.ts';
import { editorUrl } from '../../main/server/index.ts';
import { tokenFromHash } from '../../renderer/api/index.ts';
import { type Harness, rawRequest, startHarness } from './harness.ts';

describe('static editor files', () => {
  let h: Harness;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rewatch-static-'));
    const dir = path.join(root, 'site');
    await mkdir(path.join(dir, 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>ReWatch</title>');
    await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(root, 'secret.txt'), 'nope');
    await mkdir(path.join(root, 'private'));
    await writeFile(path.join(root, 'private', 'key.json'), '{"nope": true}');
    await symlink(path.join(root, 'secret.txt'), path.join(dir, 'leak.txt'));
    await symlink(path.join(root, 'private'), path.join(dir, 'outside'));
    await symlink(path.join(dir, 'assets', 'app.js'), path.join(dir, 'alias.js'));
    h = await startHarness({ staticDir: dir });
  });
  afterAll(async () => {
    await h.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html at / without a token, with the strict CSP', async () => {
    const response = await fetch(`${h.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>ReWatch</title>');
  });

  it('serves assets with their type, and index.html for client-side routes', async () => {
    const script = await fetch(`${h.url}/assets/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBeNull();
    expect(await script.text()).toBe('console.log(1)');
    expect(await (await fetch(`${h.url}/runs/run-1`)).text()).toContain('<title>ReWatch</title>');
    expect((await fetch(`${h.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the directory', async () => {
    const attempts = ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2F..%2Fsecret.txt'];
    for (const attempt of attempts) {
      const response = await rawRequest(h.port, attempt);
      expect(response.body.toString()).not.toContain('nope');
    }
  });

  it('does not follow symlinks out of the directory, but serves those that stay inside', async () => {
    for (const attempt of ['/leak.txt', '/outside/key.json']) {
      const response = await fetch(`${h.url}${attempt}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('nope');
    }
    expect(await (await fetch(`${h.url}/outside`)).text()).toContain('<title>ReWatch</title>');
    expect(await (await fetch(`${h.url}/alias.js`)).text()).toBe('console.log(1)');
  });

  it('still requires the token for the API and checks Host for static files', async () => {
    expect((await fetch(`${h.url}/api/catalog`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/unknown`, { headers: { Authorization: `Bearer ${h.token}` } })).status).toBe(404);
    expect((await rawRequest(h.port, '/', { Host: 'evil.example' })).status).toBe(403);
  });

  it('hands the token to the page in the URL fragment', () => {
    const url = editorUrl(h.url, h.token);
    expect(url).toBe(`${h.url}/#token=${h.token}`);
    expect(tokenFromHash(new URL(url).hash)).toBe(h.token);
    expect(tokenFromHash('')).toBeUndefined();
  });
});
