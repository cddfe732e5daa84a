/**
 * What the LLM client needs from its surroundings. The run store implements these; tests use Maps.
 */

/** A validated reply, stored under the hash of the request that produced it. */
export interface CachedLlmReply {
  raw: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export interface LlmRequestCache {
  get(requestHash: string): CachedLlmReply | undefined;
  /**
   * The request's lease is released once this settles, so a caller waiting for the lease finds the reply here. The
   * caller that paid gets the reply at once: a store that resolves later than the call (the run store commits a
   * turn's replies together) must commit the reply before any write made after the call.
   */
  put(requestHash: string, reply: CachedLlmReply): void | Promise<void>;
}

/**
 * One request as the client handled it: a cache hit, a server exchange (with its retries) that gave a usable
 * reply, or one that failed. A JSON repair is a second request and gets its own record.
 */
export interface LlmCallRecord {
  runId: string;
  nodeId: string;
  profile: string;
  model: string;
  requestHash: string;
  /** For a cache hit these are the tokens of the stored reply, paid for by an earlier call. */
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  cached: boolean;
  /** HTTP requests sent for this call, retries included; 0 for a cache hit. */
  attempts: number;
  /** The request asking again for JSON after a reply failed parsing or validation. */
  repair: boolean;
  /** The input position of the map item the call was made for. */
  itemSeq?: number;
  /** Why the call gave no usable reply: transport failure, abort, or output that failed JSON parsing/validation. */
  error?: string;
}

export interface LlmCallRecorder {
  record(call: LlmCallRecord): void;
}

/**
 * Who may pay for a request: one caller at a time per request hash, so an identical request waits for the reply the
 * first caller is paying for and takes it from the cache. The run store's leases span every process on its data dir.
 */
export interface LlmRequestLeases {
  /**
   * Resolves once this caller holds the lease on `requestHash` (when no caller holds it, or its holder released it or
   * stopped running); the returned function releases it. Rejects with the signal's reason when it aborts first.
   */
  acquire(requestHash: string, signal: AbortSignal): Promise<() => void>;
}
