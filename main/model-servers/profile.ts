import { createHash } from 'node:crypto';
import { canonicalJson } from '../graph/canonical.ts';
import type { ProviderProfile } from '../llm/profiles.ts';
import type { ServedModel } from '../../nodes/sdk/index.ts';
import type { RunningModelServer } from './launch.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What the replies of a served model depend on, standing in for its (forwarded, so changing) URL in the request
 * cache and in the cache keys of the nodes that call it: which hosts, ports and lifetimes serve it do not count.
 */
export function servedIdentity(spec: ServedModel): string {
  const { engine, model, tensorParallel, maxModelLen, extraArgs } = spec;
  return `served:${sha256(canonicalJson({ engine, model, tensorParallel, maxModelLen, extraArgs })).slice(0, 32)}`;
}

/** One replica: what is served, on which host and port (so a later run, or session, finds the same server). */
export function replicaId(spec: ServedModel, host: string, port: number): string {
  const { engine, model, tensorParallel, maxModelLen, limitMmPerPrompt, extraArgs } = spec;
  return sha256(canonicalJson({ engine, model, port, tensorParallel, maxModelLen, limitMmPerPrompt, extraArgs, host })).slice(0, 16);
}

/** A provider profile for running servers of one model, the first as `baseURL` and the others as replicas (no key: vLLM and SGLang accept any). */
export function publishProfile(
  servers: RunningModelServer | readonly RunningModelServer[],
  name: string,
  overrides: Partial<Omit<ProviderProfile, 'name' | 'baseURL' | 'replicas'>> = {},
): ProviderProfile {
  const [first, ...rest] = Array.isArray(servers) ? servers : [servers as RunningModelServer];
  if (!first) throw new Error(`profile "${name}" needs at least one model server`);
  const models = new Set([first, ...rest].map((s) => s.model));
  if (models.size > 1) throw new Error(`profile "${name}": replicas serve different models (${[...models].join(', ')})`);
  return {
    name,
    baseURL: first.baseURL,
    replicas: rest.map((s) => s.baseURL),
    model: first.model,
    // vLLM and SGLang both constrain decoding to a `response_format` JSON Schema.
    structuredOutputs: true,
    maxConcurrency: 16,
    timeoutMs: 600_000,
    maxRetries: 2,
    ...overrides,
  };
}
