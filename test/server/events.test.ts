import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../main/server/index.ts';
import type { NodeTotals, RunEvent } from '../../main/api/contract.ts';
import { type BackpressureLimits, type EventSocket, createEventSender } from '../../main/server/events.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { FakeEngine } from './fake-engine.ts';
import { until } from '../support/until.ts';
import { type Harness, startHarness } from './harness.ts';

const totals: NodeTotals = {
  itemsTotal: 1,
  itemsDone: 1,
  itemsCached: 0,
  itemsFailed: 0,
  llmCalls: 0,
  llmCached: 0,
  llmRepairs: 0,
  tokensIn: 0,
  tokensOut: 0,
  durationMs: 5,
};
const progress = (nodeId: string, done: number): RunEvent => ({
  type: 'node-progress',
  runId: 'r',
  nodeId,
  done,
  available: 100,
  total: 100,
  cached: 0,
  failed: 0,
});
const state: RunEvent = { type: 'node-state', runId: 'r', nodeId: 'a', state: 'done' };
const log: RunEvent = { type: 'node-log', runId: 'r', nodeId: 'a', level: 'info', message: 'hi' };
const finished: RunEvent = { type: 'run-finished', runId: 'r', status: 'done', totals };

describe('run events over the WebSocket', () => {
  let h: Harness | undefined;
  afterEach(() => h?.close());

  it('delivers every engine event to every subscriber through one socket, in order', async () => {
    h = await startHarness();
    const first: RunEvent[] = [];
    const second: RunEvent[] = [];
    const stopFirst = h.client.subscribe((event) => first.push(event));
    const stopSecond = h.client.subscribe((event) => second.push(event));
    await until(() => h!.engine.listenerCount === 1);

    const started: RunEvent = { type: 'run-started', runId: 'r', graphName: 'g', nodeIds: ['a'] };
    const sent = [started, progress('a', 1), log, state, finished];
    for (const event of sent) h.engine.emit(event);
    await until(() => first.length === sent.length && second.length === sent.length);
    expect(first).toEqual(sent);
    expect(second).toEqual(sent);

    stopFirst();
    h.engine.emit(state);
    await until(() => second.length === sent.length + 1);
    expect(first).toHaveLength(sent.length);

    stopSecond();
    await until(() => h!.engine.listenerCount === 0);
  });

  it('reconnects after the connection drops', async () => {
    const engine = new FakeEngine();
    const token = 'fixed-token';
    const server = createApiServer({ engine, token, resolveMedia: () => undefined });
    const first = await server.listen();
    const reconnect = { initialMs: 20, maxMs: 100 };
    const client = createHttpEngineClient({ baseUrl: first.url, token, WebSocket, reconnect });
    const received: RunEvent[] = [];
    const stop = client.subscribe((event) => received.push(event));
    await until(() => engine.listenerCount === 1);

    await first.close();
    expect(engine.listenerCount).toBe(0);
    const second = await server.listen({ port: first.port });
    try {
      await until(() => engine.listenerCount === 1);
      engine.emit(finished);
      await until(() => received.length === 1);
      expect(received).toEqual([finished]);
      stop();
      await until(() => engine.listenerCount === 0);
    } finally {
      await second.close();
    }
  });

  it('fails clearly when no WebSocket implementation is available', () => {
    const client = createHttpEngineClient({ baseUrl: 'http://127.0.0.1:1', token: 't' });
    if (globalThis.WebSocket === undefined) expect(() => client.subscribe(() => {})).toThrow(/WebSocket/);
  });
});

describe('per-client backpressure', () => {
  const limits: BackpressureLimits = { congestedBytes: 100, maxBytes: 1000 };

  function fakeSocket() {
    const socket = {
      readyState: WebSocket.OPEN as number,
      bufferedAmount: 0,
      terminated: false,
      sent: [] as RunEvent[],
      callbacks: [] as Array<() => void>,
      send(data: string, callback?: (error?: Error) => void) {
        socket.sent.push(JSON.parse(data) as RunEvent);
        if (callback) socket.callbacks.push(() => callback());
      },
      terminate() {
        socket.terminated = true;
      },
    };
    return socket satisfies EventSocket;
  }

  it('sends everything while the client keeps up', () => {
    const socket = fakeSocket();
    const send = createEventSender(socket, limits);
    for (const event of [progress('a', 1), progress('a', 2), log, state]) send(event);
    expect(socket.sent).toEqual([progress('a', 1), progress('a', 2), log, state]);
  });

  it('coalesces progress and drops logs while congested, but never drops state or run-finished', () => {
    const socket = fakeSocket();
    const send = createEventSender(socket, limits);
    socket.bufferedAmount = 500;
    send(progress('a', 1));
    send(progress('b', 1));
    send(progress('a', 2));
    send(log);
    expect(socket.sent).toEqual([]);

    send(state);
    send(finished);
    // Pending progress goes out first, so a node's progress never arrives after its final state.
    expect(socket.sent).toEqual([progress('a', 2), progress('b', 1), state, finished]);
  });

  it('sends the latest coalesced progress once the socket drains', () => {
    const socket = fakeSocket();
    const send = createEventSender(socket, limits);
    send(log);
    socket.bufferedAmount = 500;
    send(progress('a', 1));
    send(progress('a', 2));
    expect(socket.sent).toEqual([log]);

    socket.bufferedAmount = 0;
    for (const drained of socket.callbacks.splice(0)) drained();
    expect(socket.sent).toEqual([log, progress('a', 2)]);
  });

  it('disconnects a client that is hopelessly behind instead of buffering without bound', () => {
    const socket = fakeSocket();
    const send = createEventSender(socket, limits);
    socket.bufferedAmount = 5000;
    send(state);
    expect(socket.terminated).toBe(true);
    expect(socket.sent).toEqual([]);
  });
});
