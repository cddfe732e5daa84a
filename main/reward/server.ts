import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { LlmClient, type LlmClientOptions } from '../llm/client.ts';
import type { LlmCallRecord, LlmCallRecorder } from '../llm/ports.ts';
import { resolveProfile, type ProviderProfile } from '../llm/profiles.ts';
import { tokenMatches } from '../server/auth.ts';
import { securityHeaders } from '../server/headers.ts';
import { isLoopbackHost, urlHost } from '../server/host.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { LlmLedger } from '../store/llm-ledger.ts';
import { nodeDefinitions as installedNodes } from '../../nodes/index.ts';
import type { RewardConfig } from '../../nodes/rewatch/reward/o-and-r.ts';
import type { NodeDefinition } from '../../nodes/sdk/index.ts';
import { CaptionIndex, captionSources } from './caption-index.ts';
import { RewardScorer, type RewardItemResult } from './scorer.ts';

/**
 * The O&R reward as an HTTP service for GRPO trainers (`rewatch reward-server`).
 *
 *   POST /v1/reward   Authorization: Bearer TOKEN
 *        {"items": [{"response": "…", "ground_truth": "<encodeGroundTruth string>"}, …], "notes"?: true}
 *     → {"results": [{"overall", "accuracy", "observation", "reasoning", "format", "cached"?, "notes"?, "error"?}, …]}
 *        in the items' order. A bad item (malformed ground truth, unknown caption id, a judge that keeps failing)
 *        gets `error` and null numbers; the batch still answers 200. Only a body that is not `{items: […]}` is a 400.
 *   GET  /v1/health   no token: {"ok": true, captions, scorer and LLM counters}.
 *
 * The judge and infer models go through `LlmClient` with the data dir's provider profiles and the run store's LLM
 * request cache (shared with the engine, so a judge call the pipeline or an earlier server already paid for is not
 * paid again). Calls are counted in memory, not written to the run store's call log: they belong to no run, and
 * `rewatch prune` only trims that log run by run.
 */

export const DEFAULT_REWARD_CONCURRENCY = 32;
export const DEFAULT_JUDGE_PROFILE = 'judge-llm';

export interface RewardServerOptions {
  dataDir: string;
  providers: ProviderProfile[];
  /** Required in `Authorization: Bearer …` on `/v1/reward`. */
  token: string;
  /** M_judge profile; `judge-llm` by default. */
  judge?: string;
  /** M_infer profile; the judge's by default (one model plays both roles in the paper). */
  infer?: string;
  /** Items scored at once across all batches; 32 by default. */
  concurrency?: number;
  /** Prompts and switches of the reward beyond the two profiles (the reward node's defaults otherwise). */
  reward?: Omit<RewardConfig, 'judgeProfile' | 'inferProfile'>;
  /** The node types whose DenseCaption outputs hold C_detail; the installed catalog by default. */
  nodeDefinitions?: readonly NodeDefinition[];
  /** Results kept for identical requests (50 000 by default). */
  cacheSize?: number;
  /** Retry pacing of the LLM client (tests shorten it). */
  llmBackoff?: LlmClientOptions['backoff'];
  /** The most a request body may be; 256 MiB by default. */
  maxBodyBytes?: number;
}

export interface RewardListenOptions {
  /** Loopback by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningRewardServer {
  /** `http://host:port` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Counts the LLM calls of the reward server for `/v1/health`. */
class CallCounter implements LlmCallRecorder {
  calls = 0;
  cached = 0;
  failed = 0;
  promptTokens = 0;
  completionTokens = 0;

  record(call: LlmCallRecord): void {
    this.calls++;
    if (call.cached) this.cached++;
    if (call.error) this.failed++;
    if (!call.cached) {
      this.promptTokens += call.promptTokens;
      this.completionTokens += call.completionTokens;
    }
  }

  snapshot() {
    const { calls, cached, failed, promptTokens, completionTokens } = this;
    // paid: calls that went to a server (usable or not); failed: those without a usable reply.
    return { calls, cached, paid: calls - cached, failed, promptTokens, completionTokens };
  }
}

const batchSchema = z.object({
  // Items are checked one by one, so a bad item fails alone.
  items: z.array(z.unknown()),
  notes: z.boolean().optional(),
});

export interface RewardBatchReply {
  results: RewardItemResult[];
}

export class RewardServer {
  readonly app: Hono;
  readonly scorer: RewardScorer;
  readonly captions: CaptionIndex;
  readonly judge: string;
  readonly infer: string;
  readonly #db: Db;
  readonly #calls = new CallCounter();
  readonly #abort = new AbortController();
  readonly #token: string;
  #loopbackOnly = true;
  #closed = false;

  constructor(options: RewardServerOptions) {
    if (!options.token) throw new Error('the reward server needs a token');
    this.#token = options.token;
    this.judge = options.judge ?? DEFAULT_JUDGE_PROFILE;
    this.infer = options.infer ?? this.judge;
    // Fail at start, not on the first batch, when a profile is missing.
    const judgeProfile = resolveProfile(options.providers, this.judge);
    const inferProfile = resolveProfile(options.providers, this.infer);

    this.#db = openDatabase(options.dataDir);
    this.captions = new CaptionIndex(this.#db, captionSources(options.nodeDefinitions ?? installedNodes));
    this.captions.refresh();
    const llm = new LlmClient({
      profiles: options.providers,
      cache: new LlmLedger(this.#db),
      recorder: this.#calls,
      ...(options.llmBackoff ? { backoff: options.llmBackoff } : {}),
    });
    this.scorer = new RewardScorer({
      // Not tied to the HTTP request: a trainer that times out and retries joins the computation still running
      // (or finds its result cached) instead of paying for the judge calls twice.
      llm: llm.gateway({ runId: 'reward-server', nodeId: 'o-and-r', signal: this.#abort.signal, useCache: true }),
      captions: this.captions,
      config: { ...options.reward, judgeProfile: this.judge, inferProfile: this.infer },
      endpoints: {
        judge: { baseURL: judgeProfile.baseURL, model: judgeProfile.model },
        infer: { baseURL: inferProfile.baseURL, model: inferProfile.model },
      },
      concurrency: options.concurrency ?? DEFAULT_REWARD_CONCURRENCY,
      ...(options.cacheSize !== undefined ? { cacheSize: options.cacheSize } : {}),
    });
    this.app = this.#createApp(options.maxBodyBytes ?? 256 * 1024 * 1024);
  }

  #createApp(maxBodyBytes: number): Hono {
    const app = new Hono();
    app.use(securityHeaders);
    // DNS-rebinding defence while bound to loopback (see main/server/host.ts); a server bound elsewhere on purpose
    // is reached under other names.
    app.use(async (c, next) => {
      if (this.#loopbackOnly && !isLoopbackHost(c.req.header('host'))) {
        return c.json({ error: 'Host header must be localhost or loopback' }, 403);
      }
      await next();
    });

    app.get('/v1/health', (c) =>
      c.json({
        ok: true,
        judge: this.judge,
        infer: this.infer,
        captions: this.captions.stats(),
        scorer: this.scorer.stats(),
        llm: this.#calls.snapshot(),
      }),
    );

    app.post('/v1/reward', this.#requireToken, bodyLimit({ maxSize: maxBodyBytes }), async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'the body is not JSON' }, 400);
      }
      const parsed = batchSchema.safeParse(body);
      if (!parsed.success) return c.json({ error: `the body must be {"items": [{"response", "ground_truth"}, …]}: ${z.prettifyError(parsed.error)}` }, 400);
      const results = await this.scorer.scoreBatch(parsed.data.items, { notes: parsed.data.notes ?? false });
      return c.json({ results } satisfies RewardBatchReply);
    });

    app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
    app.onError((error, c) => {
      console.error('[rewatch reward-server]', error);
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 500);
    });
    return app;
  }

  readonly #requireToken: MiddlewareHandler = async (c, next) => {
    const given = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!tokenMatches(this.#token, given)) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: 'missing or wrong token (Authorization: Bearer …)' }, 401);
    }
    await next();
  };

  async listen({ host = '127.0.0.1', port = 0 }: RewardListenOptions = {}): Promise<RunningRewardServer> {
    this.#loopbackOnly = isLoopbackHost(host);
    const server = createServer(getRequestListener(this.app.fetch, { overrideGlobalObjects: false }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port: boundPort } = server.address() as AddressInfo;
    return {
      url: `http://${urlHost(host)}:${boundPort}`,
      port: boundPort,
      close: async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await this.close();
      },
    };
  }

  /** Cancels the judge calls still running and closes the run store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new Error('the reward server is shutting down'));
    // Let the aborted scorings settle before the database they write the LLM cache to goes away.
    await this.scorer.drain();
    this.#db.close();
  }
}
