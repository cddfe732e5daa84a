import { LlmClient, providerProfileSchema, type BackoffOptions, type LlmClientOptions, type LlmScope } from '../../main/llm/index.ts';
import type { CachedLlmReply, LlmCallRecord, LlmCallRecorder, LlmRequestCache } from '../../main/llm/index.ts';
import type { ProviderProfile } from '../../main/llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';

export const FAST_BACKOFF: Partial<BackoffOptions> = { baseMs: 5, capMs: 20 };

export function memoryCache(): LlmRequestCache & { entries: Map<string, CachedLlmReply> } {
  const entries = new Map<string, CachedLlmReply>();
  return { entries, get: (hash) => entries.get(hash), put: (hash, reply) => void entries.set(hash, reply) };
}

export function memoryRecorder(): LlmCallRecorder & { calls: LlmCallRecord[] } {
  const calls: LlmCallRecord[] = [];
  return { calls, record: (call) => void calls.push(call) };
}

export function testProfile(baseURL: string, overrides: Partial<ProviderProfile> = {}): ProviderProfile {
  return providerProfileSchema.parse({ name: 'local', baseURL, model: 'test-model', timeoutMs: 2_000, ...overrides });
}

/** A client on one profile "local" against `baseURL`, with a Map cache, an array recorder and fast backoff. */
export function testClient(
  baseURL: string,
  profile: Partial<ProviderProfile> = {},
  options: Partial<LlmClientOptions> = {},
) {
  const cache = memoryCache();
  const recorder = memoryRecorder();
  const client = new LlmClient({
    profiles: [testProfile(baseURL, profile)],
    cache,
    recorder,
    backoff: FAST_BACKOFF,
    warn: () => {},
    ...options,
  });
  const gateway = (scope: Partial<LlmScope> = {}) =>
    client.gateway({ runId: 'run-1', nodeId: 'node-1', signal: new AbortController().signal, useCache: true, ...scope });
  return { client, cache, recorder, gateway };
}

export const user = (content: string) => [{ role: 'user' as const, content }];

/** A scripted server that answers from a list, one reply per request, and "out of replies" after the last. */
export function startReplyServer(replies: readonly string[]): Promise<ScriptedLlmServer> {
  const queue = [...replies];
  return startScriptedLlmServer({ respond: () => queue.shift() ?? 'out of replies' });
}
