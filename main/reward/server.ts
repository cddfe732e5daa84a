import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { RewardItemReply, RewardScorer } from '../../nodes/sdk/index.ts';
import { tokenMatches } from '../server/auth.ts';
import { securityHeaders } from '../server/headers.ts';
import { isLoopbackHost } from '../server/host.ts';
import { listenHttp, type ListenOptions, type RunningServer } from '../server/listen.ts';

/**
 * A reward scorer of the node library (`RewardScorer`) as an HTTP service for GRPO trainers.
 *
 *   POST /v1/reward   Authorization: Bearer TOKEN
 *        {"items": [{"response": "…", "ground_truth": "…"}, …], "notes"?: true}
 *     → {"results": [one reply per item, in the items' order]}. A bad item gets `error` (for the O&R reward:
 *        with null numbers); the batch still answers 200. Only a body that is not `{items: […]}` is a 400.
 *   GET  /v1/health   no token: {"ok": true, …what the service reports}.
 */

interface RewardHttpOptions {
  scorer: RewardScorer;
  /** Required in `Authorization: Bearer …` on `/v1/reward`. */
  token: string;
  /** What `/v1/health` shows besides `ok`. */
  health(): Record<string, unknown>;
  /** The most a request body may be; 256 MiB by default. */
  maxBodyBytes?: number;
}

const batchSchema = z.object({
  // Items are checked one by one, so a bad item fails alone.
  items: z.array(z.unknown()),
  notes: z.boolean().optional(),
});

interface RewardBatchReply {
  results: RewardItemReply[];
}

export class RewardHttpServer {
  readonly app: Hono;
  readonly #options: RewardHttpOptions;
  #loopbackOnly = true;

  constructor(options: RewardHttpOptions) {
    if (!options.token) throw new Error('the reward server needs a token');
    this.#options = options;
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

    app.get('/v1/health', (c) => c.json({ ok: true, ...this.#options.health() }));

    app.post('/v1/reward', this.#requireToken, bodyLimit({ maxSize: maxBodyBytes }), async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'the body is not JSON' }, 400);
      }
      const parsed = batchSchema.safeParse(body);
      if (!parsed.success) return c.json({ error: `the body must be {"items": [{"response", "ground_truth"}, …]}: ${z.prettifyError(parsed.error)}` }, 400);
      const results = await this.#options.scorer.scoreBatch(parsed.data.items, { notes: parsed.data.notes ?? false });
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
    if (!tokenMatches(this.#options.token, given)) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: 'missing or wrong token (Authorization: Bearer …)' }, 401);
    }
    await next();
  };

  async listen({ host = '127.0.0.1', port = 0 }: ListenOptions = {}): Promise<RunningServer> {
    this.#loopbackOnly = isLoopbackHost(host);
    return listenHttp(this.app.fetch, { host, port });
  }
}
