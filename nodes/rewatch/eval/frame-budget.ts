/**
 * The paper's video setting (qwen-vl-utils rules, as the ReWatch-R1 release configures them): frames at `fps`,
 * their count rounded to an even number and kept within [minFrames, maxFrames], spread evenly over the whole video;
 * each frame scaled down to at most `maxPixels`, its sides multiples of 28 (github QwenLM/Qwen2-VL
 * `qwen-vl-utils/src/qwen_vl_utils/vision_process.py`: `smart_nframes`, `smart_resize`).
 */
export interface FrameBudget {
  fps: number;
  minFrames: number;
  maxFrames: number;
  maxPixels: number;
}

/** 2 fps, at most 192 frames of at most 128·28·28 pixels. */
export const PAPER_FRAME_BUDGET: FrameBudget = { fps: 2, minFrames: 4, maxFrames: 192, maxPixels: 128 * 28 * 28 };

const PATCH = 28;

/** How many frames a video of `duration` seconds gets. */
export function frameCount(duration: number, budget: FrameBudget): number {
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  const floorEven = (n: number) => Math.max(2, 2 * Math.floor(n / 2));
  return Math.min(floorEven(budget.maxFrames), Math.max(even(budget.minFrames), even(duration * budget.fps)));
}

/** The width to scale a `width`×`height` frame down to (never up) so it holds at most `maxPixels`. */
export function frameWidth(width: number, height: number, maxPixels: number): number {
  if (width * height <= maxPixels) return width;
  const scale = Math.sqrt(maxPixels / (width * height));
  return Math.max(PATCH, Math.floor((width * scale) / PATCH) * PATCH);
}
