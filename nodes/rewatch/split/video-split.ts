import { z } from 'zod';
import { AnyType, defineOnceNode, type ItemCollection, type JsonValue } from '../../sdk/index.ts';
import { VideoType } from '../types.ts';
import { assignVideos, VIDEO_SPLITS, type VideoSplit } from './assign.ts';

/** How far the fractions' sum may stray from 1 (0.7 + 0.2 + 0.1 is 0.9999999999999999 in floating point). */
const SUM_TOLERANCE = 1e-6;

const fraction = (what: string, defaultValue: number) =>
  z.number().min(0).max(1).default(defaultValue).meta({ description: `Share of the videos ${what}.` });

const config = z
  .object({
    seed: z.number().int().default(0).meta({
      description: 'Seed of the video ranking. Split nodes with the same seed, fractions and videos put every video in the same split.',
    }),
    sftFraction: fraction('whose items go to SFT (questions for CoT synthesis and the direct-answer task)', 0.5),
    rlFraction: fraction('whose items go to RL (the GRPO question set)', 0.4),
    heldOutFraction: fraction('held out of both trainings', 0.1),
  })
  .superRefine((c, ctx) => {
    const sum = c.sftFraction + c.rlFraction + c.heldOutFraction;
    if (Math.abs(sum - 1) <= SUM_TOLERANCE) return;
    const message = `sftFraction + rlFraction + heldOutFraction must add up to 1, but add up to ${Number(sum.toFixed(6))}`;
    for (const field of ['sftFraction', 'rlFraction', 'heldOutFraction']) ctx.addIssue({ code: 'custom', path: [field], message });
  });

/** The item's video, or an error naming the item. */
function videoIdOf(item: unknown, index: number): string {
  const videoId = typeof item === 'object' && item !== null ? (item as { videoId?: unknown }).videoId : undefined;
  if (typeof videoId === 'string' && videoId) return videoId;
  const preview = JSON.stringify(item)?.slice(0, 120);
  throw new Error(`item ${index + 1} of "items" has no "videoId" to split by: ${preview}`);
}

/** The items assigned to `split`, read again from the store rather than held in memory. */
function* itemsOf(items: ItemCollection<JsonValue>, itemSplits: readonly VideoSplit[], split: VideoSplit) {
  let index = 0;
  for (const item of items) if (itemSplits[index++] === split) yield item;
}

export const videoSplit = defineOnceNode({
  type: 'rewatch.split',
  version: 1,
  title: 'Video split',
  category: 'QA',
  description:
    'Splits items by VIDEO into SFT / RL / held-out, so no video (and no question about it) is in two splits. The ' +
    'videos are ranked by a seeded hash and cut at the fractions, every split within one video of its share. Give ' +
    'every split node of a graph the same seed, fractions and `videos` (the video source): they then put each video ' +
    'in the same split, whatever item type each one splits.',
  inputs: {
    items: { type: AnyType, description: 'Items that name their video in `videoId`: questions, captions, CoTs…' },
    videos: {
      type: VideoType,
      optional: true,
      description:
        'The videos to rank (the video source). Unconnected: the videos of the items, which split nodes fed streams ' +
        'that lack different videos would rank differently.',
    },
  },
  outputs: {
    sft: { type: AnyType, description: 'Items of the SFT videos.', sameTypeAs: 'items' },
    rl: { type: AnyType, description: 'Items of the RL videos.', sameTypeAs: 'items' },
    heldOut: { type: AnyType, description: 'Items of the held-out videos.', sameTypeAs: 'items' },
  },
  config,
  async execute(ctx, { items, videos }, c) {
    const itemVideos = Array.from(items, videoIdOf);
    const ranked = videos.count > 0 ? Array.from(videos, (video) => video.id) : itemVideos;
    const assignment = assignVideos(ranked, c.seed, { sft: c.sftFraction, rl: c.rlFraction, heldOut: c.heldOutFraction });
    const itemSplits = itemVideos.map((videoId, index) => {
      const split = assignment.get(videoId);
      if (!split) throw new Error(`item ${index + 1} of "items" is about video ${videoId}, which is not among the connected videos`);
      return split;
    });

    const count = (splits: Iterable<VideoSplit>, split: VideoSplit) => [...splits].filter((s) => s === split).length;
    ctx.log.info(
      `${assignment.size} videos, ${items.count} items: ` +
        VIDEO_SPLITS.map((split) => `${split} ${count(assignment.values(), split)} videos / ${count(itemSplits, split)} items`).join(', '),
    );
    ctx.progress.update(items.count, items.count);
    return Object.fromEntries(VIDEO_SPLITS.map((split) => [split, itemsOf(items, itemSplits, split)]));
  },
});
