/**
 * The settings view's "Test connection": reach a host or a provider profile the way runs do and report what was
 * found, or what failed as a 502 naming the host or the profile and its endpoint.
 */
import { ApiError, type HostTestResult, type ProviderTestResult } from '../api/contract.ts';
import type { HostResolver } from '../hosts/index.ts';
import type { LlmClient } from '../llm/client.ts';
import { stripThinking } from '../llm/output.ts';
import type { ProviderProfile } from '../llm/profiles.ts';
import { LlmRequestError } from '../llm/retry.ts';
import { redactText, redactUrl } from './redact.ts';

const TEST_PROMPT = 'Reply with the word ok.';
/** Room for "ok" and a little more; the test checks the connection, not the model. */
const TEST_MAX_TOKENS = 16;

function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function knownNames(names: Iterable<string>): string {
  return [...names].join(', ') || 'none';
}

/** The failure itself: an `LlmRequestError` repeats the profile name, its cause says what happened. */
function failureOf(error: unknown): string {
  if (error instanceof LlmRequestError && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Connects to a host of the settings (reusing its open connection, if any) and probes OS, free disk and GPUs. */
export async function testHost(hosts: HostResolver, name: string): Promise<HostTestResult> {
  if (!hosts.names.has(name)) {
    throw new ApiError(404, `no host "${name}" (known: ${knownNames(hosts.names)}); hosts are defined in the data dir's hosts.yaml`);
  }
  const host = hosts(name);
  const startedAt = performance.now();
  try {
    const probe = await host.testConnection();
    return { host: name, kind: host.kind, ...probe, latencyMs: elapsedSince(startedAt) };
  } catch (error) {
    throw new ApiError(502, `host "${name}": ${redactText(failureOf(error))}`);
  }
}

/** Sends one short chat request through a profile: never cached, never recorded against a run, not retried. */
export async function testProvider(
  llm: LlmClient,
  profiles: readonly ProviderProfile[],
  name: string,
): Promise<ProviderTestResult> {
  const profile = profiles.find((p) => p.name === name);
  if (!profile) {
    const known = knownNames(profiles.map((p) => p.name));
    throw new ApiError(404, `no provider profile "${name}" (known: ${known}); profiles are defined in the data dir's providers.yaml`);
  }
  const startedAt = performance.now();
  try {
    const reply = await llm.sendOnce({
      profile: name,
      messages: [{ role: 'user', content: TEST_PROMPT }],
      maxTokens: TEST_MAX_TOKENS,
      temperature: 0,
    });
    return {
      provider: name,
      model: profile.model,
      servedModel: reply.model,
      reply: stripThinking(reply.raw).trim(),
      latencyMs: elapsedSince(startedAt),
    };
  } catch (error) {
    throw new ApiError(502, `provider profile "${name}" at ${redactUrl(profile.baseURL)}: ${redactText(failureOf(error))}`);
  }
}
