import { createHash } from 'node:crypto';
import type { ChatMessage, LlmRequest } from '../../nodes/sdk/context.ts';
import { canonicalJson } from '../graph/canonical.ts';
import type { ProviderProfile } from './profiles.ts';

/**
 * The cache key of a request: everything that shapes the answer (endpoint, model, messages, sampling, schema,
 * salt) and nothing that does not (profile name, key, limits).
 */
export function llmRequestHash(
  profile: Pick<ProviderProfile, 'baseURL' | 'model' | 'cacheIdentity'>,
  request: Omit<LlmRequest, 'profile' | 'messages'>,
  messages: readonly ChatMessage[],
): string {
  const key = canonicalJson({
    baseURL: profile.cacheIdentity ?? profile.baseURL,
    model: profile.model,
    messages,
    params: { temperature: request.temperature, topP: request.topP, maxTokens: request.maxTokens, stop: request.stop },
    seed: request.seed,
    extraBody: request.extraBody,
    jsonSchema: request.jsonSchema,
    cacheSalt: request.cacheSalt,
  });
  return createHash('sha256').update(key).digest('hex');
}
