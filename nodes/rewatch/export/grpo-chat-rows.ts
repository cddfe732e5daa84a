import type { VideoBudget } from '../../sdk/index.ts';
import { framesCap, MIN_FRAME_PIXELS } from '../qwen-vision.ts';
import type { RlPrompt } from './grpo-rows.ts';

/**
 * ms-swift GRPO rows: the user turn in `messages` with its `<video>`, the video in `videos`, and the encoded ground
 * truth in `solution`. GRPO hands every extra column to the reward functions as a keyword list beside `completions`
 * (modelscope/ms-swift at 3602360a562313afbf2ef6065fdf61f271a2c5b9: docs/source_en/Customization/Custom-dataset.md
 * "PPO/GRPO", swift/rl_core/grpo_algorithm.py `compute_rewards_per_func`); the ORM plugin reads `solution`.
 */
interface MsSwiftGrpoRow {
  messages: Array<{ role: 'user'; content: string }>;
  videos: string[];
  solution: string;
}

export function msSwiftGrpoRow(p: RlPrompt): MsSwiftGrpoRow {
  return { messages: [{ role: 'user', content: p.prompt }], videos: [p.videoPath], solution: p.groundTruth };
}

/**
 * TRL GRPOTrainer rows: a conversational `prompt`; every other column reaches the reward functions as a keyword list
 * (huggingface/trl at f2cd57710ae345ea6428ae95363267fcf38a3dc8: trl/trainer/grpo_trainer.py `_calculate_rewards`;
 * GRPOConfig keeps them, `remove_unused_columns` defaults to False). The trainer feeds only images to the model (its
 * `image`/`images` columns), so the prompt has no `<video>` placeholder and the video's path is in `video` for the
 * user's own collation; the reward reads `ground_truth`.
 */
interface TrlGrpoRow {
  prompt: Array<{ role: 'user'; content: string }>;
  video: string;
  ground_truth: string;
}

export function trlGrpoRow(p: RlPrompt): TrlGrpoRow {
  return { prompt: [{ role: 'user', content: p.text }], video: p.videoPath, ground_truth: p.groundTruth };
}

/**
 * The environment that gives ms-swift the video budget: it sets qwen-vl-utils' FPS, FPS_MAX_FRAMES and frame pixel
 * bounds from these variables (modelscope/ms-swift swift/model/models/qwen.py `patch_qwen_vl_utils` and
 * `compat_qwen_vl_utils` at 3602360a562313afbf2ef6065fdf61f271a2c5b9).
 */
export function msSwiftVideoEnvironment(budget: VideoBudget): Record<string, string> {
  return {
    FPS: String(budget.fps),
    FPS_MAX_FRAMES: String(framesCap(budget)),
    VIDEO_MIN_PIXELS: String(MIN_FRAME_PIXELS),
    VIDEO_MAX_PIXELS: String(budget.maxPixels),
  };
}
