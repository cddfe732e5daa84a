import type { CachedLlmReply, LlmCallRecord, LlmCallRecorder, LlmRequestCache } from '../llm/ports.ts';
import type { ItemLlmCall } from '../api/contract.ts';
import type { Db } from './database.ts';
import { GroupCommit } from './group-commit.ts';
import { turnWrites, type TurnWrites } from './turn-writes.ts';

/** The LLM request cache and the log of every call (tokens, latency, cached or paid), both in the run store. */
export class LlmLedger implements LlmRequestCache, LlmCallRecorder {
  readonly #get;
  readonly #put;
  /** Replies put in this turn, until its transaction commits them. */
  readonly #unsaved = new Map<string, CachedLlmReply>();
  readonly #writes: TurnWrites;
  readonly #calls: GroupCommit<LlmCallRecord>;
  readonly #listeners = new Set<(call: LlmCallRecord) => void>();
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare<[string], { raw: string; model: string; prompt_tokens: number; completion_tokens: number }>(
      'SELECT raw, model, prompt_tokens, completion_tokens FROM llm_cache WHERE request_hash = ?',
    );
    this.#put = db.prepare(
      'INSERT OR REPLACE INTO llm_cache (request_hash, raw, model, prompt_tokens, completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#writes = turnWrites(db);
    const insertCall = db.prepare(`INSERT INTO llm_calls (run_id, node_id, profile, model, request_hash, prompt_tokens,
      completion_tokens, latency_ms, cached, attempts, repair, error, item_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // The call log is accounting, not cache: it is written in groups; replies (`put`) are committed at once.
    this.#calls = new GroupCommit(
      db.transaction((calls: LlmCallRecord[]) => {
        const now = Date.now();
        for (const call of calls) {
          insertCall.run(
            call.runId,
            call.nodeId,
            call.profile,
            call.model,
            call.requestHash,
            call.promptTokens,
            call.completionTokens,
            call.latencyMs,
            call.cached ? 1 : 0,
            call.attempts,
            call.repair ? 1 : 0,
            call.error ?? null,
            call.itemSeq ?? null,
            now,
          );
        }
      }),
      { maxEntries: 1024, maxDelayMs: 200 },
    );
  }

  get(requestHash: string): CachedLlmReply | undefined {
    const unsaved = this.#unsaved.get(requestHash);
    if (unsaved) return unsaved;
    const row = this.#get.get(requestHash);
    return (
      row && { raw: row.raw, model: row.model, promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens }
    );
  }

  /**
   * Committed at the end of this turn of the event loop, with its other writes (the lease claims of the requests
   * that follow); resolves then. A process killed before loses the replies of that one turn.
   */
  async put(requestHash: string, reply: CachedLlmReply): Promise<void> {
    // Found by `get` from now on, also by a caller whose lease is only in this process (LocalLeases), before the commit.
    this.#unsaved.set(requestHash, reply);
    try {
      await this.#writes.run(() =>
        this.#put.run(requestHash, reply.raw, reply.model, reply.promptTokens, reply.completionTokens, Date.now()),
      );
    } finally {
      this.#unsaved.delete(requestHash);
    }
  }

  record(call: LlmCallRecord): void {
    this.#calls.add(call);
    for (const listener of this.#listeners) listener(call);
  }

  /** Commits the replies of this turn and the grouped call log now. */
  flush(): void {
    this.#writes.flush();
    this.#calls.flush();
  }

  /** The calls a node run made for the map items at `seqs`, in the order they were made. */
  itemCalls(runId: string, nodeId: string, seqs: readonly number[]): Array<ItemLlmCall & { itemSeq: number }> {
    this.flush();
    if (seqs.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT item_seq, profile, model, attempts, cached, repair, latency_ms, error FROM llm_calls
         WHERE run_id = ? AND node_id = ? AND item_seq IN (SELECT value FROM json_each(?)) ORDER BY id`,
      )
      .all(runId, nodeId, JSON.stringify(seqs)) as Array<{
      item_seq: number;
      profile: string;
      model: string;
      attempts: number;
      cached: number;
      repair: number;
      latency_ms: number;
      error: string | null;
    }>;
    return rows.map((r) => ({
      itemSeq: r.item_seq,
      profile: r.profile,
      model: r.model,
      attempts: r.attempts,
      cached: r.cached === 1,
      repair: r.repair === 1,
      latencyMs: r.latency_ms,
      error: r.error,
    }));
  }

  onCall(listener: (call: LlmCallRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
