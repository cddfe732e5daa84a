import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../main/server/index.ts';
import { type ConnectionState, createHttpEngineClient } from '../../renderer/api/index.ts';
import { until } from '../support/until.ts';
import { FakeEngine } from './fake-engine.ts';

describe('the client’s connection state', () => {
  it('goes open, lost while the server is away (counting attempts), and open again when it is back', async () => {
    const engine = new FakeEngine();
    const server = createApiServer({ engine, token: 't', resolveMedia: () => undefined });
    const first = await server.listen();
    const client = createHttpEngineClient({ baseUrl: first.url, token: 't', WebSocket, reconnect: { initialMs: 20, maxMs: 100 } });
    const seen: ConnectionState[] = [];
    client.connection.onStateChange((state) => seen.push(state));
    expect(client.connection.state()).toEqual({ status: 'connecting' });

    const stop = client.subscribe(() => {});
    await until(() => client.connection.state().status === 'open');
    await first.close();
    await until(() => seen.filter((s) => s.status === 'lost').length >= 2, 'a second failed attempt');
    const lost = seen.filter((s): s is Extract<ConnectionState, { status: 'lost' }> => s.status === 'lost');
    expect(lost.map((s) => s.attempt).slice(0, 2)).toEqual([1, 2]);

    const second = await server.listen({ port: first.port });
    try {
      client.connection.reconnectNow();
      await until(() => client.connection.state().status === 'open');
      await until(() => engine.listenerCount === 1);
      expect(seen[0]).toEqual({ status: 'open' });
      expect(seen.at(-1)).toEqual({ status: 'open' });
      stop();
      expect(client.connection.state()).toEqual({ status: 'connecting' });
    } finally {
      await second.close();
    }
  });
});
