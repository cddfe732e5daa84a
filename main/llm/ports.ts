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
   * The request's lease is released right after this call, and the caller that paid gets the reply without waiting
   * for it to settle. A store that settles later (the run store commits a turn's writes together) must still show the
   * reply to the `find` of every later turn at the lease, and commit it with the lease's release or before.
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

/** A caller's turn at a request: the reply another caller paid for meanwhile, or the lease to pay for it itself. */
export type RequestTurn<T> = { found: T } | { found?: undefined; release: () => void };

/**
 * Who may pay for a request: one caller at a time per request hash, so an identical request waits for the reply the
 * first caller is paying for and takes it from the cache. The run store's leases span every process on its data dir.
 */
export interface LlmRequestLeases {
  /**
   * Waits until no other caller holds the lease on `requestHash` (or its holder stopped running), then looks for the
   * reply with `find`: resolves with what it found, or else with the lease, held until `release`. `find` runs while
   * no other caller can take the lease (in the run store, inside the transaction that would claim it), so a reply
   * another caller stored is always found, never paid for again; it must not throw (the run store's transaction holds
   * other callers' writes too). Rejects with the signal's reason when it aborts first.
   */
  acquire<T>(requestHash: string, signal: AbortSignal, find: () => T | undefined): Promise<RequestTurn<T>>;
}
