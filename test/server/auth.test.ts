import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../main/api/contract.ts';
import { createToken, tokenMatches } from '../../main/server/auth.ts';
import { isLoopbackHost } from '../../main/server/host.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { type Harness, rawRequest, startHarness, tryWebSocket } from './harness.ts';

const HASH = 'a'.repeat(64);

describe('token and Host checks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.media.set(HASH, import.meta.filename);
  });
  afterAll(() => h.close());

  it('creates long random url-safe tokens and compares them exactly', () => {
    const token = createToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(token);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token, `${token}x`)).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
  });

  it('refuses API requests without a token or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer nope' }, { Authorization: h.token }];
    for (const headers of attempts) {
      const response = await fetch(`${h.url}/api/catalog`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    expect((await fetch(`${h.url}/api/catalog?token=nope`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/no-such-route`)).status).toBe(401);
    expect(h.engine.calls).toEqual([]);
  });

  it('accepts the token as a Bearer header; ?token= only on GET media and the event stream', async () => {
    expect((await fetch(`${h.url}/api/catalog`, { headers: { Authorization: `Bearer ${h.token}` } })).status).toBe(200);
    expect((await fetch(`${h.url}/api/catalog?token=${h.token}`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/runs?token=${h.token}`, { method: 'POST', body: '{"graph":{}}' })).status).toBe(401);
    expect((await fetch(`${h.url}/api/media/${HASH}?token=${h.token}`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${h.url}/api/media/${HASH}?token=${h.token}`)).status).toBe(200);
    expect((await fetch(`${h.url}/api/media/${HASH}/x?token=${h.token}`)).status).toBe(401);
    expect(await tryWebSocket(`${h.url.replace('http', 'ws')}/api/events?token=${h.token}`)).toBe('open');
    expect(h.engine.calls).toEqual([['catalog']]);
  });

  it('opens the event stream only for pages served here (Origin), and for clients that send none', async () => {
    const ws = `${h.url.replace('http', 'ws')}/api/events?token=${h.token}`;
    expect(await tryWebSocket(ws, { Origin: 'http://evil.example' })).toBe(403);
    expect(await tryWebSocket(ws, { Origin: `http://evil.example:${h.port}` })).toBe(403);
    expect(await tryWebSocket(ws, { Origin: 'null' })).toBe(403);
    expect(await tryWebSocket(ws, { Origin: `http://localhost:${h.port}` })).toBe(403);
    expect(await tryWebSocket(ws, { Origin: h.url })).toBe('open');
    expect(await tryWebSocket(ws.replace('127.0.0.1', 'localhost'), { Origin: `http://localhost:${h.port}` })).toBe('open');
    expect(await tryWebSocket(ws)).toBe('open');
  });

  it('client with a wrong token rejects with ApiError 401', async () => {
    const client = createHttpEngineClient({ baseUrl: h.url, token: 'wrong' });
    const error = await client.catalog().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401 });
  });

  it('refuses media without the token', async () => {
    expect((await fetch(`${h.url}/api/media/${HASH}`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/media/${HASH}?token=wrong`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/media/${HASH}?token=${h.token}`)).status).toBe(200);
  });

  it('refuses WebSocket upgrades without the right token with 401', async () => {
    const ws = h.url.replace('http', 'ws');
    expect(await tryWebSocket(`${ws}/api/events`)).toBe(401);
    expect(await tryWebSocket(`${ws}/api/events?token=wrong`)).toBe(401);
    expect(await tryWebSocket(`${ws}/api/events`, { Authorization: `Bearer ${h.token}` })).toBe('open');
    expect(await tryWebSocket(`${ws}/api/events?token=${h.token}`)).toBe('open');
    expect(await tryWebSocket(`${ws}/api/other?token=${h.token}`)).toBe(404);
  });

  it('refuses a non-loopback Host header with 403, even with the token (DNS rebinding)', async () => {
    const auth = { Authorization: `Bearer ${h.token}` };
    const evil = await rawRequest(h.port, '/api/catalog', { ...auth, Host: `evil.example:${h.port}` });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body.toString())).toEqual({ error: expect.any(String) });
    expect((await rawRequest(h.port, '/api/catalog', { ...auth, Host: `localhost:${h.port}` })).status).toBe(200);
    expect((await rawRequest(h.port, '/api/catalog', { ...auth, Host: '[::1]' })).status).toBe(200);
    const ws = `${h.url.replace('http', 'ws')}/api/events?token=${h.token}`;
    expect(await tryWebSocket(ws, { Host: 'evil.example' })).toBe(403);
  });

  it('recognizes loopback hosts only', () => {
    for (const host of ['localhost', 'LOCALHOST:80', '127.0.0.1:5173', '[::1]:1', '::1']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [undefined, '', 'evil.example', '127.0.0.1.evil.example', 'localhost.evil', '0.0.0.0', '::2']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(new URL(h.url).hostname).toBe('127.0.0.1');
  });

  it('sends nosniff and no CORS headers', async () => {
    const response = await fetch(`${h.url}/api/catalog`, {
      headers: { Authorization: `Bearer ${h.token}`, Origin: 'http://evil.example' },
    });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${h.url}/api/runs`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
