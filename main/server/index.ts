export { createToken } from './auth.ts';
export type { ApiServerOptions } from './app.ts';
export { type ApiServer, type ListenOptions, type RunningServer, createApiServer, editorUrl } from './server.ts';
