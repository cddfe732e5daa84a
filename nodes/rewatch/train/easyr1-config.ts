import type { VideoBudget } from '../../sdk/index.ts';
import { MIN_FRAME_PIXELS, videoTokens } from '../qwen-vision.ts';

/**
 * EasyR1's config file, as its own config merge takes it: `OmegaConf.merge(OmegaConf.structured(PPOConfig()), file)`
 * fails on any key the dataclasses lack (hiyouga/EasyR1 at b44b311b669bf1fd1aa2fc36f2251482ba33cb16:
 * verl/trainer/main.py, verl/trainer/config.py, verl/workers/{actor,rollout,reward}/config.py). The reward type is not
 * a key: the reward module declares `REWARD_TYPE` (verl/workers/reward/function.py).
 */
export interface EasyR1Settings {
  model: string;
  rolloutN: number;
  temperature: number;
  topP: number;
  epochs: number;
  checkpointDir: string;
  video: VideoBudget;
  /** Prompt tokens besides the video: chat template, question, options and instruction. */
  promptTextTokens: number;
  maxResponseTokens: number;
  /** `path:function` of the reward function, relative to the run folder. */
  rewardFunction: string;
}

interface EasyR1Lengths {
  /** `data.max_prompt_length`: one video at the budget's cap plus the text allowance. */
  prompt: number;
  /** `data.max_response_length`. */
  response: number;
  /** `worker.rollout.max_num_batched_tokens`: vLLMRollout refuses fewer than prompt + response. */
  batchedTokens: number;
}

export function easyR1Lengths(s: Pick<EasyR1Settings, 'video' | 'promptTextTokens' | 'maxResponseTokens'>): EasyR1Lengths {
  const prompt = videoTokens(s.video) + s.promptTextTokens;
  return { prompt, response: s.maxResponseTokens, batchedTokens: prompt + s.maxResponseTokens };
}

export function easyR1Config(s: EasyR1Settings) {
  const lengths = easyR1Lengths(s);
  return {
    data: {
      train_files: 'train.jsonl',
      val_files: 'val.jsonl',
      prompt_key: 'problem',
      answer_key: 'answer',
      video_key: 'videos',
      // EasyR1 passes these three to qwen-vl-utils for every video (verl/utils/dataset.py `process_video`); it has no
      // frame cap: the job's sitecustomize.py sets it (easyr1-frame-cap.ts).
      video_fps: s.video.fps,
      min_pixels: MIN_FRAME_PIXELS,
      max_pixels: s.video.maxPixels,
      max_prompt_length: lengths.prompt,
      max_response_length: lengths.response,
    },
    worker: {
      actor: { model: { model_path: s.model } },
      rollout: { n: s.rolloutN, temperature: s.temperature, top_p: s.topP, max_num_batched_tokens: lengths.batchedTokens },
      reward: { reward_function: s.rewardFunction },
    },
    trainer: { total_epochs: s.epochs, save_checkpoint_path: s.checkpointDir, logger: ['console'] },
  };
}
