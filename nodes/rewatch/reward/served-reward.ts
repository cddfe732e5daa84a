import type { RewardDefinition } from '../../sdk/index.ts';
import { CaptionIndex, captionSources } from './caption-index.ts';
import { writeRewardFiles } from './python/index.ts';
import { OrRewardScorer } from './scorer.ts';

/**
 * The O&R reward as the engine serves it to GRPO trainers: scored by `OrRewardScorer` over the captions in the run
 * store, with the reward prompts of the `rewatch.or-reward` node's defaults, and called from the trainers' Python
 * reward files.
 */
export const orServedReward: RewardDefinition = {
  title: 'O&R reward',
  createScorer({ llm, outputs, nodeDefinitions }, { judge, infer, concurrency }) {
    const captions = new CaptionIndex(outputs, captionSources(nodeDefinitions));
    captions.refresh();
    return new OrRewardScorer({ llm, captions, config: { judgeProfile: judge, inferProfile: infer }, concurrency });
  },
  writeTrainerFiles: writeRewardFiles,
};
