import { z } from 'zod';

/**
 * The video budget: how densely a video is sampled and how large each frame may be, set once per graph (the paper's
 * "192 frames": 2 fps, at most 192 frames of at most 128·28·28 pixels, by qwen-vl-utils' rules) and inherited by every
 * node that samples, exports or trains on video, unless a node sets its own value.
 */
export const PAPER_VIDEO_BUDGET = { fps: 2, maxFrames: 192, maxPixels: 128 * 28 * 28 } as const;

export const videoBudgetSchema = z.object({
  fps: z.number().positive().max(60).default(PAPER_VIDEO_BUDGET.fps).meta({ description: 'Frames sampled per second of video.' }),
  maxFrames: z.number().int().min(2).max(4096).default(PAPER_VIDEO_BUDGET.maxFrames).meta({
    description: 'Most frames per video (a cap: short videos keep the full rate).',
  }),
  maxPixels: z.number().int().min(28 * 28).default(PAPER_VIDEO_BUDGET.maxPixels).meta({
    description: 'Most pixels per frame; larger frames are resized keeping their aspect ratio.',
  }),
});
export type VideoBudget = z.output<typeof videoBudgetSchema>;
export type VideoBudgetKey = keyof VideoBudget;

/** The config field's JSON Schema key naming the graph setting it inherits, e.g. `video.fps`. */
export const GRAPH_SETTING = 'x-graph-setting';

/**
 * A node config field that takes the graph's video budget value for `key` when the node leaves it unset. The
 * engine fills it in before the config is parsed, so the value is in the node's cache key like any other.
 * `narrow` tightens the range for a node that needs more (an inherited value outside it fails on the node's field).
 */
export function videoBudgetField(key: VideoBudgetKey, description: string, narrow: (base: z.ZodNumber) => z.ZodNumber = (base) => base) {
  const base = narrow(videoBudgetSchema.shape[key].unwrap());
  return base.default(PAPER_VIDEO_BUDGET[key]).meta({ description, [GRAPH_SETTING]: `video.${key}` });
}

/** The video budget key a `GRAPH_SETTING` value names, if it names one. */
export function videoSettingKey(setting: unknown): VideoBudgetKey | undefined {
  if (typeof setting !== 'string' || !setting.startsWith('video.')) return undefined;
  const key = setting.slice('video.'.length);
  return Object.hasOwn(PAPER_VIDEO_BUDGET, key) ? (key as VideoBudgetKey) : undefined;
}

/** The video budget key a config field inherits from the graph, if it does. */
export function inheritedVideoSetting(schema: z.core.$ZodType): VideoBudgetKey | undefined {
  return videoSettingKey(z.globalRegistry.get(schema)?.[GRAPH_SETTING]);
}
