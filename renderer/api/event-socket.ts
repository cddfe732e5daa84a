import type { RunEvent } from '../../main/api/contract.ts';

/** The part of the WebSocket API used here: met by the browser's `WebSocket` and by `ws`. */
export interface WebSocketLike {
  onopen: ((event: never) => void) | null;
  // Declared through a method so the parameter is checked bivariantly: both implementations' handlers take their own
  // MessageEvent type, which has a `data` field.
  onmessage: { handler(event: { data: unknown }): void }['handler'] | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  close(): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ReconnectBackoff {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: ReconnectBackoff = { initialMs: 250, maxMs: 5_000 };

/** The event socket's link to the engine, which is how the editor knows the engine is there. */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  /** The socket dropped or could not connect; the next attempt is at `retryAt` (ms since the epoch). */
  | { status: 'lost'; attempt: number; retryAt: number };

/** `subscribe` for `EngineApi`, and what the socket's state is, for the editor's connection banner. */
export interface EventChannel {
  subscribe(listener: (event: RunEvent) => void): () => void;
  state(): ConnectionState;
  /** Calls `listener` on every change of `state()`; returns the function that stops it. */
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  /** Tries now instead of waiting out the backoff (a "Reconnect now" button). */
  reconnectNow(): void;
}

/**
 * `EngineApi.subscribe` over one shared WebSocket to `url`: opened with the first listener, reopened with
 * exponential backoff when it drops, closed when the last listener leaves. Events sent while disconnected are lost;
 * state is recovered by refetching (`getRun`) once `state()` is `open` again.
 */
export function createEventChannel(
  url: string,
  WebSocketImpl: WebSocketConstructor | undefined,
  backoff: ReconnectBackoff = DEFAULT_BACKOFF,
): EventChannel {
  // Entries rather than the functions themselves, so one function subscribed twice is two subscriptions.
  const listeners = new Set<{ listener: (event: RunEvent) => void }>();
  const stateListeners = new Set<{ listener: (state: ConnectionState) => void }>();
  let socket: WebSocketLike | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let delayMs = backoff.initialMs;
  let attempt = 0;
  let state: ConnectionState = { status: 'connecting' };
  let lastImpl: WebSocketConstructor | undefined;

  function setState(next: ConnectionState): void {
    state = next;
    for (const { listener } of [...stateListeners]) listener(next);
  }

  function connect(Impl: WebSocketConstructor): void {
    lastImpl = Impl;
    const current = new Impl(url);
    socket = current;
    current.onopen = () => {
      delayMs = backoff.initialMs;
      attempt = 0;
      setState({ status: 'open' });
    };
    current.onmessage = ({ data }) => {
      if (typeof data === 'string') dispatch(data);
    };
    current.onerror = () => {}; // a close event follows and does the work
    current.onclose = () => {
      if (socket !== current) return;
      socket = undefined;
      if (listeners.size > 0) {
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          if (listeners.size > 0) connect(Impl);
        }, delayMs);
        attempt += 1;
        setState({ status: 'lost', attempt, retryAt: Date.now() + delayMs });
        delayMs = Math.min(delayMs * 2, backoff.maxMs);
      }
    };
  }

  function dispatch(text: string): void {
    let event: RunEvent;
    try {
      event = JSON.parse(text) as RunEvent;
    } catch {
      return;
    }
    for (const { listener } of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('RunEvent listener failed', error);
      }
    }
  }

  function disconnect(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    delayMs = backoff.initialMs;
    attempt = 0;
    const current = socket;
    socket = undefined;
    current?.close();
    setState({ status: 'connecting' });
  }

  return {
    subscribe(listener) {
      // The global is typed as always present, but Node 20 has none.
      const Impl: WebSocketConstructor | undefined = WebSocketImpl ?? globalThis.WebSocket;
      if (!Impl) throw new Error('no WebSocket implementation: pass one (e.g. from `ws`) to createHttpEngineClient');
      const entry = { listener };
      listeners.add(entry);
      if (!socket && retryTimer === undefined) connect(Impl);
      return () => {
        if (!listeners.delete(entry)) return;
        if (listeners.size === 0) disconnect();
      };
    },
    state: () => state,
    onStateChange(listener) {
      const entry = { listener };
      stateListeners.add(entry);
      return () => stateListeners.delete(entry);
    },
    reconnectNow() {
      if (retryTimer === undefined || !lastImpl) return;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      connect(lastImpl);
    },
  };
}
