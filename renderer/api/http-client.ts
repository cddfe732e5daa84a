import { ApiError, type ApiErrorBody, type ApiErrorStatus, type EngineApi, routes } from '../../main/api/contract.ts';
import { type EventChannel, type ReconnectBackoff, type WebSocketConstructor, createEventChannel } from './event-socket.ts';
import { type PathParams, type QueryValue, routeUrl } from './url.ts';

export interface HttpEngineClientOptions {
  /** The server, e.g. `http://127.0.0.1:5174` (or `location.origin` in the served editor). */
  baseUrl: string;
  token: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Defaults to the global `WebSocket`; Node 20 has none, pass the one from `ws`. */
  WebSocket?: WebSocketConstructor;
  reconnect?: ReconnectBackoff;
}

type EngineRoute = Extract<keyof typeof routes, keyof EngineApi>;
type Result<Name extends EngineRoute> = Awaited<ReturnType<EngineApi[Name]>>;

/** The engine over HTTP, with the state of its event socket (whether the engine is reachable). */
export interface HttpEngineClient extends EngineApi {
  readonly connection: Omit<EventChannel, 'subscribe'>;
}

/** `EngineApi` over the local server's HTTP routes and event WebSocket. Failed requests reject with `ApiError`. */
export function createHttpEngineClient(options: HttpEngineClientOptions): HttpEngineClient {
  const { baseUrl, token } = options;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  async function call<Name extends EngineRoute>(
    name: Name,
    params: Record<PathParams<(typeof routes)[Name]['path']>, string>,
    request: { query?: Record<string, QueryValue>; body?: unknown } = {},
  ): Promise<Result<Name>> {
    const route: (typeof routes)[Name] = routes[name];
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetchImpl(routeUrl(baseUrl, route.path, params, request.query), {
      method: route.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as Result<Name>;
  }

  const eventsUrl = routeUrl(baseUrl, routes.events.path, {}, { token }).replace(/^http/, 'ws');
  const { subscribe, ...connection } = createEventChannel(eventsUrl, options.WebSocket, options.reconnect);

  return {
    catalog: () => call('catalog', {}),
    validate: (graph) => call('validate', {}, { body: { graph } }),
    checkJsonSchema: (schema) => call('checkJsonSchema', {}, { body: { schema } }),
    explain: (graph, nodeId) => call('explain', {}, { body: { graph, nodeId } }),
    startRun: (request) => call('startRun', {}, { body: request }),
    listRuns: () => call('listRuns', {}),
    getRun: (runId) => call('getRun', { runId }),
    cancelRun: (runId) => call('cancelRun', { runId }),
    nodeOutput: (runId, nodeId, port, query) => call('nodeOutput', { runId, nodeId, port }, { query }),
    nodeErrors: (runId, nodeId, query) => call('nodeErrors', { runId, nodeId }, { query }),
    nodeMetrics: (runId, nodeId) => call('nodeMetrics', { runId, nodeId }),
    provenance: (runId, row) => call('provenance', { runId }, { query: { nodeId: row.nodeId, port: row.port, seq: row.seq } }),
    listTemplates: () => call('listTemplates', {}),
    settings: () => call('settings', {}),
    settingsFile: (kind) => call('settingsFile', { kind }),
    saveSettingsEntry: (kind, request) => call('saveSettingsEntry', { kind }, { body: request }),
    deleteSettingsEntry: (kind, name) => call('deleteSettingsEntry', { kind }, { body: { name } }),
    getTemplate: (name) => call('getTemplate', { name }),
    testHost: (name) => call('testHost', { name }),
    testProvider: (name) => call('testProvider', { name }),
    modelServers: () => call('modelServers', {}),
    stopModelServer: (id) => call('stopModelServer', { id }),
    subscribe,
    connection,
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as Partial<ApiErrorBody> | undefined;
  const message = typeof body?.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
  const errors = Array.isArray(body?.errors) ? body.errors : undefined;
  // The server also answers 401, 403, 416 and 426, outside the engine's status union.
  return new ApiError(response.status as ApiErrorStatus, message, errors);
}
