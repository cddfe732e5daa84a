export { LlmClient, LlmOutputError, type LlmClientOptions, type LlmScope } from './client.ts';
export type { CachedLlmReply, LlmCallRecord, LlmCallRecorder, LlmRequestCache, LlmRequestLeases } from './ports.ts';
export {
  loadProviderFile,
  providerProfileSchema,
  providerSettingsSchema,
  resolveProfile,
  type ProviderProfile,
  type ProviderSettings,
} from './profiles.ts';
export { extractJson, stripThinking, type JsonExtraction } from './output.ts';
export { compileJsonSchema, type JsonSchemaValidator } from './schema-validate.ts';
export { LlmRequestError, DEFAULT_BACKOFF, type BackoffOptions } from './retry.ts';
export { llmRequestHash } from './request-hash.ts';
