import { PAPER_VIDEO_BUDGET, type VideoBudget } from '../../sdk/index.ts';
import { framesCap } from '../qwen-vision.ts';

/**
 * The paper's video setting (qwen-vl-utils rules, as the ReWatch-R1 release configures them): frames at `fps`,
 * their count rounded to an even number and kept within [minFrames, maxFrames], spread evenly over the whole video;
 * each frame scaled down to at most `maxPixels`, its sides multiples of 28 (github QwenLM/Qwen2-VL
 * `qwen-vl-utils/src/qwen_vl_utils/vision_process.py`: `smart_nframes`, `smart_resize`).
 */
export interface FrameBudget extends VideoBudget {
  minFrames: number;
}

/** The graph's default budget (2 fps, at most 192 frames of at most 128·28·28 pixels), at least 4 frames. */
export const PAPER_FRAME_BUDGET: FrameBudget = { ...PAPER_VIDEO_BUDGET, minFrames: 4 };

const PATCH = 28;

/** How many frames a video of `duration` seconds gets. */
export function frameCount(duration: number, budget: FrameBudget): number {
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  return Math.min(framesCap(budget), Math.max(even(budget.minFrames), even(duration * budget.fps)));
}

/** The width to scale a `width`×`height` frame down to (never up) so it holds at most `maxPixels`. */
export function frameWidth(width: number, height: number, maxPixels: number): number {
  if (width * height <= maxPixels) return width;
  const scale = Math.sqrt(maxPixels / (width * height));
  return Math.max(PATCH, Math.floor((width * scale) / PATCH) * PATCH);
}
