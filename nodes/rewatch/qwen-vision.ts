import { videoBudgetField, type VideoBudget } from '../sdk/index.ts';

/**
 * What one video of the graph's budget costs a Qwen2.5-VL prompt, by qwen-vl-utils' rules, which EasyR1, verl and
 * ms-swift all sample videos with (QwenLM/Qwen3-VL, qwen-vl-utils/src/qwen_vl_utils/vision_process.py at
 * 96588727e44c78b25ba03ea03b8e12f7e64fd0da, qwen-vl-utils 0.0.14: `smart_nframes`, `fetch_video`, `smart_resize`).
 *
 * - Frames: `fps` per second of video, at most `maxFrames`, floored to a multiple of FRAME_FACTOR (2).
 * - Pixels: each frame is resized to sides that are multiples of 28 (14 px patches, merged 2×2) with at most
 *   `maxPixels` pixels, so a frame holds at most floor(maxPixels / (28·28)) merged patches.
 * - Tokens: the vision tower merges 2 consecutive frames temporally, so each pair of frames is one grid of merged
 *   patches, one token each: frames / 2 · floor(maxPixels / 784) tokens, plus <|vision_start|> and <|vision_end|>.
 *
 * The paper's setting: 2 fps, at most 192 frames of at most 128·28·28 pixels: 96 · 128 + 2 = 12290 tokens.
 */

/** One merged patch, one token: 14 px patches merged 2×2. */
const TOKEN_SIDE = 28;
const TOKEN_PIXELS = TOKEN_SIDE * TOKEN_SIDE;
/** Frames merged into one temporal patch. */
const FRAMES_PER_PATCH = 2;
const VISION_MARKERS = 2;

/**
 * The frame floor the trainers are given: qwen-vl-utils' smallest image (4 merged patches). It must stay below the
 * cap: qwen-vl-utils asserts max ≥ min and scales a frame below the floor up, past the cap when the floor is near it.
 */
export const MIN_FRAME_PIXELS = 4 * TOKEN_PIXELS;

/** Frames qwen-vl-utils samples at most (`maxFrames` floored to a multiple of 2). */
export function framesCap(budget: Pick<VideoBudget, 'maxFrames'>): number {
  return Math.max(FRAMES_PER_PATCH, Math.floor(budget.maxFrames / FRAMES_PER_PATCH) * FRAMES_PER_PATCH);
}

/** The most prompt tokens one video of the budget takes, markers included. */
export function videoTokens(budget: VideoBudget): number {
  return (framesCap(budget) / FRAMES_PER_PATCH) * Math.floor(budget.maxPixels / TOKEN_PIXELS) + VISION_MARKERS;
}

/** The graph's per-frame pixel cap for a node whose trainer is also given MIN_FRAME_PIXELS as the floor. */
export function trainerMaxPixelsField(description: string) {
  return videoBudgetField('maxPixels', description, (pixels) => pixels.min(MIN_FRAME_PIXELS));
}
