import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { LlmGateway, RewardScorer } from '../../sdk/index.ts';
import { decodeGroundTruth } from '../export/ground-truth.ts';
import type { CaptionIndexStats } from './caption-index.ts';
import { LruMap } from './lru.ts';
import { scoreResponse, type RewardConfig, type RewardScore } from './o-and-r.ts';

/**
 * Scores batches of (response, encoded ground truth) with the O&R reward of `o-and-r.ts` — the same `scoreResponse`
 * the pipeline's reward node calls — adding what a trainer-facing service needs: C_detail looked up by the ground
 * truth's caption id, a result cache for identical requests, one in-flight computation per distinct request, a
 * concurrency limit shared by all batches, and errors kept per item.
 */

/** One item of a batch as the trainers send it. */
const rewardItemSchema = z.object({
  /** The policy's response, with `<action>`, `<observation>` and `<answer>` tags. */
  response: z.string(),
  /** The ground truth string the GRPO export wrote (`encodeGroundTruth`). */
  ground_truth: z.string(),
});

/** The reward of one item: its parts, or `error` with every number null. */
export type RewardItemResult = {
  /** r_acc·(1 + r_obs + r_rea) + r_fmt */
  overall: number | null;
  /** r_acc */
  accuracy: number | null;
  /** r_obs */
  observation: number | null;
  /** r_rea */
  reasoning: number | null;
  /** r_fmt */
  format: number | null;
  /** Served from the result cache (set only on success). */
  cached?: boolean;
  /** The judge's notes, when the batch asked for them. */
  notes?: RewardScore['notes'];
  error?: string;
};

/** Where C_detail comes from (the run store's captions in the server; anything with this shape in tests). */
interface CaptionLookup {
  captionText(id: string): string | undefined;
  /** Called once per batch, before any lookup. */
  refresh(): void;
  stats(): CaptionIndexStats;
}

interface OrRewardScorerOptions {
  llm: LlmGateway;
  captions: CaptionLookup;
  config: RewardConfig;
  /** Items scored at once across all batches. */
  concurrency: number;
}

/** Results kept for identical requests. */
const RESULT_CACHE_SIZE = 50_000;

interface OrRewardScorerStats {
  /** Batches received. */
  batches: number;
  items: number;
  scored: number;
  cacheHits: number;
  /** Items that joined an identical item already being scored. */
  joined: number;
  errors: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function errorMessage(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ');
  return error instanceof Error ? error.message : String(error);
}

const failed = (error: string): RewardItemResult => ({
  overall: null,
  accuracy: null,
  observation: null,
  reasoning: null,
  format: null,
  error,
});

/**
 * The result cache lives as long as the scorer, whose config and judging profiles never change: a key is the item
 * and the caption text it was scored against.
 */
export class OrRewardScorer implements RewardScorer {
  readonly #options: OrRewardScorerOptions;
  readonly #limit;
  readonly #results = new LruMap<string, RewardScore>(RESULT_CACHE_SIZE);
  readonly #inFlight = new Map<string, Promise<RewardScore>>();
  readonly #stats: OrRewardScorerStats = { batches: 0, items: 0, scored: 0, cacheHits: 0, joined: 0, errors: 0 };

  constructor(options: OrRewardScorerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${options.concurrency}`);
    }
    this.#options = options;
    this.#limit = pLimit(options.concurrency);
  }

  /** Scores a batch; the results are in the items' order and an item's failure never fails the others. */
  async scoreBatch(items: readonly unknown[], options: { notes: boolean }): Promise<RewardItemResult[]> {
    this.#stats.batches++;
    this.#options.captions.refresh();
    return Promise.all(
      items.map(async (item) => {
        this.#stats.items++;
        try {
          const { score, cached } = await this.#score(item);
          return {
            overall: score.total,
            accuracy: score.rAcc,
            observation: score.rObs,
            reasoning: score.rRea,
            format: score.rFmt,
            cached,
            ...(options.notes ? { notes: score.notes } : {}),
          };
        } catch (error) {
          this.#stats.errors++;
          return failed(errorMessage(error));
        }
      }),
    );
  }

  /** Resolves when every scoring under way has settled (after an abort, quickly). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  stats(): OrRewardScorerStats & { cachedResults: number; inFlight: number } {
    return { ...this.#stats, cachedResults: this.#results.size, inFlight: this.#inFlight.size };
  }

  status(): { summary: string; warning?: string } {
    const { captions, outputs } = this.#options.captions.stats();
    return {
      summary: `captions: ${captions} from ${outputs} stored outputs`,
      ...(captions === 0 ? { warning: 'no captions stored yet; every item will fail until a run stores some' } : {}),
    };
  }

  health(): Record<string, unknown> {
    return { captions: this.#options.captions.stats(), scorer: this.stats() };
  }

  async #score(item: unknown): Promise<{ score: RewardScore; cached: boolean }> {
    const { response, ground_truth } = rewardItemSchema.parse(item);
    const truth = decodeGroundTruth(ground_truth);
    const captionText = this.#options.captions.captionText(truth.captionId);
    if (captionText === undefined) {
      throw new Error(`unknown caption id "${truth.captionId}": no stored DenseCaption output has it (question ${truth.questionId})`);
    }
    const key = sha256(JSON.stringify([response, truth, sha256(captionText)]));

    const hit = this.#results.get(key);
    if (hit) {
      this.#stats.cacheHits++;
      return { score: hit, cached: true };
    }
    const running = this.#inFlight.get(key);
    if (running) {
      this.#stats.joined++;
      return { score: await running, cached: true };
    }

    const scoring = this.#limit(() =>
      scoreResponse(
        this.#options.llm,
        {
          question: truth.question,
          ...(truth.options ? { options: truth.options } : {}),
          groundTruth: truth.answer,
          response,
          captionText,
        },
        this.#options.config,
      ),
    );
    this.#inFlight.set(key, scoring);
    try {
      const score = await scoring;
      this.#stats.scored++;
      // Only successes are kept: a failed judge call is tried again by the next identical request.
      this.#results.set(key, score);
      return { score, cached: false };
    } finally {
      this.#inFlight.delete(key);
    }
  }
}
