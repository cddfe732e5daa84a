import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import type { ChatMessage, LlmGateway, LlmJsonResponse, LlmRequest, LlmResponse } from '../../nodes/sdk/context.ts';
import type { JsonValue } from '../../nodes/sdk/data-types.ts';
import { RequestLimiter, type ProfileLoad } from './limiter.ts';
import { extractJson, stripThinking } from './output.ts';
import { LocalLeases } from './local-leases.ts';
import type { CachedLlmReply, LlmCallRecord, LlmCallRecorder, LlmRequestCache, LlmRequestLeases } from './ports.ts';
import { resolveApiKey, resolveProfile, type ProviderProfile } from './profiles.ts';
import { llmRequestHash } from './request-hash.ts';
import { replyJsonSchema, responseFormat } from './response-format.ts';
import { DEFAULT_BACKOFF, withRetries, type BackoffOptions } from './retry.ts';
import { compileJsonSchema } from './schema-validate.ts';
import { ChatServer, type ChatCompletionBody, type ChatReply } from './transport.ts';

export interface LlmClientOptions {
  profiles: ProviderProfile[];
  cache: LlmRequestCache;
  recorder: LlmCallRecorder;
  /** Who may pay for a request now; the callers of this client only, by default. */
  leases?: LlmRequestLeases;
  backoff?: Partial<BackoffOptions>;
  /** Where API keys are read from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Receives configuration warnings (a missing API key variable); `console.warn` by default. */
  warn?: (message: string) => void;
}

/** Who is asking: every call is recorded against the run and node, and cancelled with the run. */
export interface LlmScope {
  runId: string;
  nodeId: string;
  signal: AbortSignal;
  /** Serve identical earlier requests from the cache. Fresh replies are stored either way. */
  useCache: boolean;
  /** The input position of the map item asking, recorded with each call. */
  itemSeq?: number;
  /** Where this caller's calls are recorded; the client's recorder (the run store's call log) when absent. */
  recorder?: LlmCallRecorder;
  /**
   * Profiles this caller reaches beyond the settings' (model servers its graph starts): the profile, once its
   * servers are up, or undefined for a name it does not serve.
   */
  served?(name: string): Promise<ProviderProfile> | undefined;
}

/** The reply still failed JSON parsing or schema validation after the one repair request. */
export class LlmOutputError extends Error {
  constructor(
    message: string,
    /** The raw text of the last reply. */
    readonly raw: string,
  ) {
    super(message);
    this.name = 'LlmOutputError';
  }
}

/** One server of a profile, with the requests it is answering now. */
interface Replica {
  server: ChatServer;
  inFlight: number;
}

interface Endpoint {
  profile: ProviderProfile;
  replicas: Replica[];
  limiter: RequestLimiter;
}

/** The server with the fewest requests in flight; each attempt picks again, so a retry may go to another replica. */
function leastBusy(replicas: readonly Replica[]): Replica {
  return replicas.reduce((best, replica) => (replica.inFlight < best.inFlight ? replica : best));
}

type Output = { ok: true; json?: JsonValue; value?: unknown } | { ok: false; problem: string };

/** What `complete` gives back: the response, with the contract's parsed `value` when there is one. */
type Completion = LlmResponse & { value?: unknown };

/** What a reply must be: any text, or JSON that a schema accepts (`value` is what the caller gets back). */
interface ReplyContract {
  /** Sent to the server (as `response_format`) and quoted in the repair request. */
  jsonSchema: Record<string, unknown>;
  parse(json: JsonValue): { ok: true; value: unknown } | { ok: false; problems: string[] };
}

function jsonSchemaContract(jsonSchema: Record<string, unknown>): ReplyContract {
  const validate = compileJsonSchema(jsonSchema);
  return {
    jsonSchema,
    parse(json) {
      const problems = validate(json);
      return problems.length === 0 ? { ok: true, value: json } : { ok: false, problems };
    },
  };
}

function zodContract(schema: z.ZodType): ReplyContract {
  return {
    jsonSchema: replyJsonSchema(schema),
    parse(json) {
      const parsed = schema.safeParse(json);
      if (parsed.success) return { ok: true, value: parsed.data };
      return {
        ok: false,
        problems: parsed.error.issues.map((issue) => `/${issue.path.map(String).join('/')}: ${issue.message}`),
      };
    },
  };
}

/** A reply that needs no schema is usable as is; one that does must parse and validate. */
function checkOutput(raw: string, contract: ReplyContract | undefined): Output {
  if (!contract) return { ok: true };
  const extracted = extractJson(raw);
  if (!extracted.ok) return { ok: false, problem: extracted.reason };
  const parsed = contract.parse(extracted.value);
  return parsed.ok ? { ok: true, json: extracted.value, value: parsed.value } : { ok: false, problem: parsed.problems.join('; ') };
}

function repairPrompt(problem: string, schema: Record<string, unknown> | undefined): string {
  const lines = [
    `Your previous reply could not be used: ${problem}.`,
    'Reply again with only the corrected JSON: no explanation, no code fences.',
  ];
  if (schema) lines.push(`It must match this JSON Schema: ${JSON.stringify(schema)}`);
  return lines.join('\n');
}

function chatBody(
  profile: ProviderProfile,
  request: LlmRequest,
  messages: readonly ChatMessage[],
  jsonSchema?: Record<string, unknown>,
): ChatCompletionBody {
  const core: Record<string, unknown> = {
    temperature: request.temperature,
    top_p: request.topP,
    max_tokens: request.maxTokens,
    seed: request.seed,
    stop: request.stop,
    response_format: jsonSchema && profile.structuredOutputs ? responseFormat(jsonSchema) : undefined,
  };
  for (const key of Object.keys(core)) if (core[key] === undefined) delete core[key];
  return { ...request.extraBody, ...core, model: profile.model, messages: [...messages] };
}

/** A reply from the server; `stored` settles once the cache holds it (absent when it was not usable). */
interface Exchanged {
  reply: CachedLlmReply;
  stored: void | Promise<void>;
}

/** What `complete` returns for a usable reply; `latencyMs` is undefined for one taken from the cache. */
function completion(reply: CachedLlmReply, output: Output & { ok: true }, latencyMs: number | undefined): Completion {
  return {
    text: stripThinking(reply.raw),
    raw: reply.raw,
    ...(output.json !== undefined && { json: output.json, value: output.value }),
    usage: { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens },
    model: reply.model,
    cached: latencyMs === undefined,
    latencyMs: latencyMs ?? 0,
  };
}

function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The LLM client behind every node's `ctx.llm`: OpenAI-compatible chat completions per provider profile, with
 * concurrency and rate limits, retries, a request cache, JSON extraction/validation with one repair, and a
 * record of every call.
 */
export class LlmClient {
  private profiles: readonly ProviderProfile[];
  private readonly cache: LlmRequestCache;
  private readonly recorder: LlmCallRecorder;
  private readonly leases: LlmRequestLeases;
  private readonly backoff: BackoffOptions;
  private readonly env: NodeJS.ProcessEnv;
  private readonly warn: (message: string) => void;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly servedEndpoints = new WeakMap<ProviderProfile, Endpoint>();

  constructor(options: LlmClientOptions) {
    this.profiles = options.profiles;
    this.cache = options.cache;
    this.recorder = options.recorder;
    this.leases = options.leases ?? new LocalLeases();
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.env = options.env ?? process.env;
    this.warn = options.warn ?? ((message) => console.warn(message));
  }

  gateway(scope: LlmScope): LlmGateway {
    return {
      complete: async (request) =>
        this.complete(scope, request, request.jsonSchema && jsonSchemaContract(request.jsonSchema)),
      completeJson: async <S extends z.ZodType>(schema: S, request: Omit<LlmRequest, 'jsonSchema'>) => {
        const contract = zodContract(schema);
        const reply = await this.complete(scope, { ...request, jsonSchema: contract.jsonSchema }, contract);
        return reply as LlmJsonResponse<z.output<S>>;
      },
    };
  }

  /**
   * One request through the profile's limits and servers, as a node's would go, but tried once and neither cached
   * nor recorded against a run: the settings' connection test, which must reach the server and show its failure.
   */
  async sendOnce(request: LlmRequest, signal: AbortSignal = new AbortController().signal): Promise<ChatReply> {
    const endpoint = this.endpoint(request.profile);
    return this.send(endpoint, chatBody(endpoint.profile, request, request.messages), { maxRetries: 0, signal });
  }

  /**
   * The settings' profiles after an edit. A changed or removed profile's endpoint is dropped, so the next request
   * naming it (a running run's too) goes by the new profile, while requests already sent finish on the old one; an
   * unchanged profile keeps its endpoint, so its concurrency and rate limits carry on.
   */
  setProfiles(profiles: readonly ProviderProfile[]): void {
    this.profiles = profiles;
    for (const [name, endpoint] of this.endpoints) {
      const next = profiles.find((p) => p.name === name);
      if (!next || !isDeepStrictEqual(next, endpoint.profile)) this.endpoints.delete(name);
    }
  }

  /** The requests of a settings profile in flight and waiting for a slot, from every caller of this client. */
  load(profile: string): ProfileLoad {
    return this.endpoints.get(profile)?.limiter.load() ?? { inFlight: 0, queued: 0 };
  }

  /** Client and limiter of a settings profile, made on first use (so a missing key is warned about once). */
  private endpoint(name: string): Endpoint {
    let endpoint = this.endpoints.get(name);
    if (!endpoint) {
      const profile = resolveProfile(this.profiles, name);
      endpoint = this.newEndpoint(profile, resolveApiKey(profile, this.env, this.warn));
      this.endpoints.set(name, endpoint);
    }
    return endpoint;
  }

  /** A served profile's endpoint: one per profile object, so every node of a run shares its limits. */
  private async endpointFor(scope: LlmScope, name: string): Promise<Endpoint> {
    const served = scope.served?.(name);
    if (!served) return this.endpoint(name);
    const profile = await served;
    let endpoint = this.servedEndpoints.get(profile);
    if (!endpoint) {
      endpoint = this.newEndpoint(profile, resolveApiKey(profile, this.env, this.warn));
      this.servedEndpoints.set(profile, endpoint);
    }
    return endpoint;
  }

  private newEndpoint(profile: ProviderProfile, apiKey: string): Endpoint {
    const urls = [profile.baseURL, ...(profile.replicas ?? [])];
    return {
      profile,
      replicas: urls.map((baseURL) => ({
        server: new ChatServer({ baseURL, apiKey, connections: profile.maxConcurrency }),
        inFlight: 0,
      })),
      limiter: new RequestLimiter({ ...profile, maxConcurrency: profile.maxConcurrency * urls.length }),
    };
  }

  /**
   * One request answered from the cache or the server. With a `contract` the reply must be JSON it accepts; one
   * repair request is sent when it is not. `request.jsonSchema` is the contract's schema (part of the cache key).
   */
  private async complete(
    scope: LlmScope,
    request: LlmRequest,
    contract: ReplyContract | undefined,
  ): Promise<Completion> {
    const startedAt = performance.now();
    scope.signal.throwIfAborted();
    const endpoint = await this.endpointFor(scope, request.profile);
    // Whether the server constrained decoding is not in the key: a cached reply was validated against the same
    // schema either way, so toggling a profile's structured outputs reuses every answer.
    const requestHash = llmRequestHash(endpoint.profile, request, request.messages);
    // One caller at a time pays for a request (in any process on the run store): the others wait for its reply and
    // find it in the cache, as does a caller whose request was paid for before.
    const turn = await this.leases.acquire(requestHash, scope.signal, () =>
      scope.useCache ? this.usableCached(requestHash, contract) : undefined,
    );
    if (turn.found) {
      const { reply, output } = turn.found;
      this.record(scope, endpoint, requestHash, reply, { latencyMs: 0, cached: true, attempts: 0, repair: false });
      return completion(reply, output, undefined);
    }
    try {
      const paid = await this.pay(scope, endpoint, request, requestHash, contract);
      // The caller need not wait for the reply to be stored: the run store commits it at the end of this turn, with
      // the lease's release and the lease claims of the caller's next requests (one commit and one turn less each).
      if (paid.stored) paid.stored.catch((error: unknown) => this.lostReply(endpoint, error));
      return completion(paid.reply, paid.output, elapsedSince(startedAt));
    } finally {
      turn.release();
    }
  }

  /** The cached reply to a request, when it fits the contract. */
  private usableCached(
    requestHash: string,
    contract: ReplyContract | undefined,
  ): { reply: CachedLlmReply; output: Output & { ok: true } } | undefined {
    const reply = this.cache.get(requestHash);
    if (!reply) return undefined;
    const output = checkOutput(reply.raw, contract);
    return output.ok ? { reply, output } : undefined;
  }

  /** A reply the cache failed to store was still used; only a later identical request pays for it again. */
  private lostReply(endpoint: Endpoint, error: unknown): void {
    this.warn(`LLM profile "${endpoint.profile.name}": a reply could not be stored in the request cache: ${errorMessage(error)}`);
  }

  /**
   * Sends the request, and one repair request when the reply does not fit the contract. The usable reply goes to the
   * cache under the original request's hash; `stored` settles when it is there.
   */
  private async pay(
    scope: LlmScope,
    endpoint: Endpoint,
    request: LlmRequest,
    requestHash: string,
    contract: ReplyContract | undefined,
  ): Promise<Exchanged & { output: Output & { ok: true } }> {
    const first = await this.exchange(scope, endpoint, request, request.messages, requestHash, contract, (reply) =>
      this.cache.put(requestHash, reply),
    );
    if (first.output.ok) return { ...first, output: first.output };

    const repairMessages: ChatMessage[] = [
      ...request.messages,
      { role: 'assistant', content: stripThinking(first.reply.raw) || first.reply.raw },
      { role: 'user', content: repairPrompt(first.output.problem, request.jsonSchema) },
    ];
    const repairHash = llmRequestHash(endpoint.profile, request, repairMessages);
    // The repaired answer is what the original request should have given: store it there, at the cost of both.
    const repaired = (reply: ChatReply): CachedLlmReply => ({
      ...reply,
      promptTokens: first.reply.promptTokens + reply.promptTokens,
      completionTokens: first.reply.completionTokens + reply.completionTokens,
    });
    const repair = await this.exchange(scope, endpoint, request, repairMessages, repairHash, contract, (reply) =>
      this.cache.put(requestHash, repaired(reply)),
    );
    if (!repair.output.ok) {
      throw new LlmOutputError(
        `LLM profile "${endpoint.profile.name}": the reply does not match the JSON schema, even after a repair request: ${repair.output.problem}`,
        repair.reply.raw,
      );
    }
    return { ...repair, reply: repaired(repair.reply), output: repair.output };
  }

  /**
   * One request to the server, retried as needed, then recorded. A usable reply is handed to `store` (the cache)
   * before it is recorded or returned; an unusable one is recorded with the problem and returned for repair.
   */
  private async exchange(
    scope: LlmScope,
    endpoint: Endpoint,
    request: LlmRequest,
    messages: readonly ChatMessage[],
    requestHash: string,
    contract: ReplyContract | undefined,
    store: (reply: ChatReply) => void | Promise<void>,
  ): Promise<Exchanged & { output: Output }> {
    const { profile } = endpoint;
    const body = chatBody(profile, request, messages, contract?.jsonSchema);
    const repair = messages !== request.messages;
    const startedAt = performance.now();
    let attempts = 0;
    let reply: ChatReply;
    try {
      reply = await this.send(endpoint, body, {
        maxRetries: profile.maxRetries,
        signal: scope.signal,
        onAttempt: () => attempts++,
      });
    } catch (error) {
      const failed = { raw: '', model: profile.model, promptTokens: 0, completionTokens: 0 };
      this.record(scope, endpoint, requestHash, failed, {
        latencyMs: elapsedSince(startedAt),
        cached: false,
        attempts,
        repair,
        error: errorMessage(error),
      });
      throw error;
    }
    const output = checkOutput(reply.raw, contract);
    const stored = output.ok ? store(reply) : undefined;
    this.record(scope, endpoint, requestHash, reply, {
      latencyMs: elapsedSince(startedAt),
      cached: false,
      attempts,
      repair,
      ...(!output.ok && { error: `invalid output: ${output.problem}` }),
    });
    return { reply, output, stored };
  }

  /** Sends `body` to the least busy server of the profile within its limits, retrying up to `maxRetries` times. */
  private send(
    endpoint: Endpoint,
    body: ChatCompletionBody,
    options: { maxRetries: number; signal: AbortSignal; onAttempt?: () => void },
  ): Promise<ChatReply> {
    const { profile, replicas, limiter } = endpoint;
    const { signal } = options;
    return withRetries(
      () =>
        limiter.run(async () => {
          options.onAttempt?.();
          const replica = leastBusy(replicas);
          replica.inFlight++;
          try {
            return await replica.server.complete(body, { timeoutMs: profile.timeoutMs, signal });
          } finally {
            replica.inFlight--;
          }
        }, signal),
      { profile: profile.name, maxRetries: options.maxRetries, backoff: this.backoff, signal },
    );
  }

  private record(
    scope: LlmScope,
    endpoint: Endpoint,
    requestHash: string,
    reply: CachedLlmReply,
    call: Pick<LlmCallRecord, 'latencyMs' | 'cached' | 'attempts' | 'repair' | 'error'>,
  ): void {
    (scope.recorder ?? this.recorder).record({
      runId: scope.runId,
      nodeId: scope.nodeId,
      profile: endpoint.profile.name,
      model: reply.model,
      requestHash,
      promptTokens: reply.promptTokens,
      completionTokens: reply.completionTokens,
      ...(scope.itemSeq !== undefined && { itemSeq: scope.itemSeq }),
      ...call,
    });
  }
}
