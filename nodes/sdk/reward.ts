import type { LlmGateway } from './context.ts';
import type { NodeDefinition } from './define.ts';

/**
 * A reward a node library scores and the engine serves to trainers: over HTTP for the jobs a node launches
 * (`ctx.reward`) and for `rewatch reward-server`. The library says how a batch is scored and which files trainers
 * call it with; the engine owns the serving (HTTP, token, loopback), the LLM client (so a profile's concurrency and
 * rate limits and the request cache are the pipeline's) and the run store the scorer reads.
 */
export interface RewardDefinition {
  /** What the reward is called in messages, e.g. "O&R reward". */
  readonly title: string;
  createScorer(context: RewardScorerContext, settings: RewardScorerSettings): RewardScorer;
  /**
   * Writes the files each trainer loads to call the served reward into `dir` (created if needed) and returns their
   * paths by trainer. A token given here is written into them; without it they read it from their environment.
   */
  writeTrainerFiles(dir: string, server: { url: string; token?: string }): Promise<Record<string, string>>;
}

/** What the engine gives a scorer. */
interface RewardScorerContext {
  /** The engine's LLM client, cancelled when the server closes. */
  readonly llm: LlmGateway;
  /** The node outputs in the run store, as the pipeline stored them. */
  readonly outputs: StoredOutputs;
  /** The installed node types, e.g. to tell which outputs hold the data the reward looks up. */
  readonly nodeDefinitions: readonly NodeDefinition[];
}

interface RewardScorerSettings {
  /** Provider profiles of the judging models (the same one when a single model plays both roles). */
  readonly judge: string;
  readonly infer: string;
  /** Items scored at once across all batches. */
  readonly concurrency: number;
}

/** One item's reward as served: the scorer's fields (JSON), with `error` when the item could not be scored. */
export type RewardItemReply = { readonly error?: string } & Readonly<Record<string, unknown>>;

export interface RewardScorer {
  /**
   * Scores a batch: one reply per item, in the items' order; a bad item gets `error` and never fails the others.
   * `notes` asks for the scorer's explanation of each score.
   */
  scoreBatch(items: readonly unknown[], options: { notes: boolean }): Promise<RewardItemReply[]>;
  /** What the scorer can score with, in one line (shown when a server starts), and a warning when it is nothing yet. */
  status(): { summary: string; warning?: string };
  /** Counters for the server's health route. */
  health(): Record<string, unknown>;
  /** Resolves when every scoring under way has settled. */
  drain(): Promise<void>;
}

/** A node output in the run store: the cache key of the node run that wrote it, and when it was written. */
export interface StoredOutputInfo {
  readonly nodeKey: string;
  readonly nodeType: string;
  /** Changes when the output is written again. */
  readonly storedAt: number;
}

/** Reads of the node outputs in the run store (items are rows of a port, numbered by `seq`). */
export interface StoredOutputs {
  /** The outputs of nodes of these types. */
  ofTypes(nodeTypes: readonly string[]): StoredOutputInfo[];
  /** Each row of a port with its item's `id` field, read without parsing whole items. */
  rowIds(nodeKey: string, port: string): Array<{ seq: number; id: unknown }>;
  /** One row's item, or undefined when the row is gone. */
  row(nodeKey: string, port: string, seq: number): unknown;
  /** Runs `reads` as one consistent read of the store (and faster than reading row by row). */
  snapshot<T>(reads: () => T): T;
}
