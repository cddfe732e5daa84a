export { type HttpEngineClientOptions, createHttpEngineClient } from './http-client.ts';
export type { ReconnectBackoff, WebSocketConstructor, WebSocketLike } from './event-socket.ts';
export { mediaUrl } from './media-url.ts';
export { tokenFromHash } from './page-token.ts';
