import { z } from 'zod';
import { AnyType, defineMapNode, type ItemCollection } from '../../sdk/index.ts';
import { VideoFileType, type VideoFile } from '../types.ts';
import { assignVideos, type VideoSplit } from './assign.ts';

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

/** The item's video, or an error naming what is missing. */
function videoIdOf(item: unknown): string {
  const videoId = typeof item === 'object' && item !== null ? (item as { videoId?: unknown }).videoId : undefined;
  if (typeof videoId === 'string' && videoId) return videoId;
  throw new Error(`the item has no "videoId" to split by: ${JSON.stringify(item)?.slice(0, 120)}`);
}

type Config = z.output<typeof config>;

/** The videos' splits, ranked once per node run: the engine hands every item of a run the same `videos` collection. */
const assignments = new WeakMap<ItemCollection<VideoFile>, Map<string, VideoSplit>>();

function assignmentOf(videos: ItemCollection<VideoFile>, c: Config): Map<string, VideoSplit> {
  let assignment = assignments.get(videos);
  if (!assignment) {
    assignment = assignVideos(Array.from(videos, (video) => video.id), c.seed, { sft: c.sftFraction, rl: c.rlFraction, heldOut: c.heldOutFraction });
    assignments.set(videos, assignment);
  }
  return assignment;
}

export const videoSplit = defineMapNode({
  type: 'rewatch.split',
  // 2: a map node over `items` (so it streams), `videos` required; version 1 ranked the items' own videos when
  // `videos` was unconnected, which needs every item first.
  version: 2,
  migrations: { 1: (c) => c },
  title: 'Video split',
  category: 'QA',
  description:
    'Splits items by VIDEO into SFT / RL / held-out, so no video (and no question about it) is in two splits. The ' +
    'videos are ranked by a seeded hash and cut at the fractions, every split within one video of its share. Give ' +
    'every split node of a graph the same seed, fractions and `videos` (the video source): they then put each video ' +
    'in the same split, whatever item type each one splits. Each item goes as soon as it arrives. Fed the source’s ' +
    '`files`, the ranking is ready before any video is probed (a file ffprobe then rejects still holds its place); ' +
    'fed its `videos`, it waits for every video to be read.',
  inputs: {
    items: { type: AnyType, description: 'Items that name their video in `videoId`: questions, captions, CoTs…' },
    videos: {
      type: VideoFileType,
      description: 'The videos to rank (the video source’s `files` or `videos`): every item’s video must be among them.',
    },
  },
  outputs: {
    sft: { type: AnyType, description: 'Items of the SFT videos.', sameTypeAs: 'items' },
    rl: { type: AnyType, description: 'Items of the RL videos.', sameTypeAs: 'items' },
    heldOut: { type: AnyType, description: 'Items of the held-out videos.', sameTypeAs: 'items' },
  },
  config,
  over: 'items',
  async execute(_ctx, { items: item, videos }, c) {
    const videoId = videoIdOf(item);
    const split = assignmentOf(videos, c).get(videoId);
    if (!split) throw new Error(`the item is about video ${videoId}, which is not among the connected videos`);
    return { [split]: [item] };
  },
});
