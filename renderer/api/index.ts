export { type HttpEngineClient, type HttpEngineClientOptions, createHttpEngineClient } from './http-client.ts';
export type { ConnectionState, EventChannel, ReconnectBackoff, WebSocketConstructor, WebSocketLike } from './event-socket.ts';
export { mediaUrl } from './media-url.ts';
export { tokenFromHash } from './page-token.ts';
