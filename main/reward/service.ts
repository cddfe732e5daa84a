import type { LlmClient } from '../llm/client.ts';
import { resolveProfile, type ProviderProfile } from '../llm/profiles.ts';
import { createToken } from '../server/auth.ts';
import type {
  NodeDefinition,
  RewardDefinition,
  RewardService,
  RunningRewardService,
  StoredOutputs,
} from '../../nodes/sdk/index.ts';
import { CallCounter } from './call-counter.ts';
import type { ListenOptions } from '../server/listen.ts';
import { RewardHttpServer } from './server.ts';

export const DEFAULT_REWARD_CONCURRENCY = 32;
export const DEFAULT_JUDGE_PROFILE = 'judge-llm';

export interface RewardStartOptions extends ListenOptions {
  /** M_judge profile; `judge-llm` by default. */
  judge?: string;
  /** M_infer profile; the judge's by default (one model plays both roles in the paper). */
  infer?: string;
  /** A new random token by default. */
  token?: string;
  /** Items scored at once across all batches; 32 by default. */
  concurrency?: number;
}

/** A reward server the engine runs. */
export interface ServedReward extends RunningRewardService {
  /** `http://host:port` */
  url: string;
  judge: string;
  infer: string;
  /** What the scorer can score with, and a warning when it is nothing yet. */
  status(): { summary: string; warning?: string };
}

interface EngineRewardDeps {
  /** The node library's reward; the engine serves none without it. */
  definition: RewardDefinition | undefined;
  /** The engine's client: the reward's judge calls share each profile's limits with the pipeline's calls. */
  llm: LlmClient;
  outputs: StoredOutputs;
  nodeDefinitions: readonly NodeDefinition[];
  /** The settings' provider profiles as they are now (Settings may edit them while the engine runs). */
  providers(): readonly ProviderProfile[];
}

/**
 * The reward servers of one engine: the node library's scorer over the engine's LLM client and run store, served
 * over HTTP. Nodes reach it as `ctx.reward`; `rewatch reward-server` starts one too.
 */
export class EngineRewardService implements RewardService {
  readonly #deps: EngineRewardDeps;
  readonly #running = new Set<ServedReward>();

  constructor(deps: EngineRewardDeps) {
    this.#deps = deps;
  }

  /** The reward this engine serves; throws when it serves none. */
  get definition(): RewardDefinition {
    const { definition } = this.#deps;
    if (!definition) throw new Error('this engine serves no reward: create it with the node library’s `servedReward` as `reward`');
    return definition;
  }

  async start(options: RewardStartOptions = {}): Promise<ServedReward> {
    const definition = this.definition;
    const { llm, outputs, nodeDefinitions } = this.#deps;
    const providers = this.#deps.providers();
    const judge = options.judge ?? DEFAULT_JUDGE_PROFILE;
    const infer = options.infer || judge;
    // Fail at start, not on the first batch, when a profile is missing.
    resolveProfile(providers, judge);
    resolveProfile(providers, infer);
    const token = options.token ?? createToken();
    const calls = new CallCounter();
    // Not tied to an HTTP request: a trainer that times out and retries joins the computation still running (or
    // finds its result cached) instead of paying for the judge calls twice. Closing the server cancels them.
    const abort = new AbortController();
    const scorer = definition.createScorer(
      {
        llm: llm.gateway({ runId: 'reward-server', nodeId: 'reward', signal: abort.signal, useCache: true, recorder: calls }),
        outputs,
        nodeDefinitions,
      },
      { judge, infer, concurrency: options.concurrency ?? DEFAULT_REWARD_CONCURRENCY },
    );
    const http = new RewardHttpServer({
      scorer,
      token,
      health: () => ({
        judge,
        infer,
        ...scorer.health(),
        llm: calls.snapshot(),
        // Requests of the profiles from every caller of the engine's client, the pipeline's included.
        profiles: Object.fromEntries([judge, infer].map((name) => [name, llm.load(name)])),
      }),
    });
    const listening = await http.listen(options);
    const served: ServedReward = {
      url: listening.url,
      port: listening.port,
      token,
      judge,
      infer,
      status: () => scorer.status(),
      close: async () => {
        if (!this.#running.delete(served)) return;
        await listening.close();
        abort.abort(new Error('the reward server is shutting down'));
        // Let the cancelled scorings settle before the store their LLM cache writes go to can close.
        await scorer.drain();
      },
    };
    this.#running.add(served);
    return served;
  }

  /** Closes the servers still running. */
  async close(): Promise<void> {
    await Promise.all([...this.#running].map((served) => served.close()));
  }
}
