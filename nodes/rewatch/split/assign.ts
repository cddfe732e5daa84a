import { stableId } from '../ids.ts';

export const VIDEO_SPLITS = ['sft', 'rl', 'heldOut'] as const;
export type VideoSplit = (typeof VIDEO_SPLITS)[number];
export type SplitFractions = Readonly<Record<VideoSplit, number>>;

/**
 * How many of `n` videos each split gets: each fraction's share of n rounded by largest remainder (Hamilton), so every
 * count is within one video of its share and the counts add up to n. Equal remainders go to the earlier split.
 */
export function splitSizes(n: number, fractions: SplitFractions): Record<VideoSplit, number> {
  const total = VIDEO_SPLITS.reduce((sum, split) => sum + fractions[split], 0);
  const shares = VIDEO_SPLITS.map((split) => (fractions[split] / total) * n);
  const sizes = shares.map(Math.floor);
  const left = n - sizes.reduce((sum, size) => sum + size, 0);
  const byRemainder = shares.map((_, i) => i).sort((a, b) => shares[b]! - sizes[b]! - (shares[a]! - sizes[a]!) || a - b);
  for (const i of byRemainder.slice(0, left)) sizes[i]! += 1;
  return Object.fromEntries(VIDEO_SPLITS.map((split, i) => [split, sizes[i]!])) as Record<VideoSplit, number>;
}

/**
 * Assigns every video to a split: the videos ranked by a hash of (seed, video id), the first `sizes.sft` to SFT, the
 * next to RL, the rest held out.
 *
 * Why a hash-ordered ranking rather than a per-video hash threshold: a threshold assigns each video on its own, so on
 * a pilot set of 20 videos a 10 % held-out share may come out as 0 or 5 videos; cutting a ranking hits every share
 * within one video. The price is that a video's split depends on which videos are ranked, which is why a split node
 * ranks a fixed set of videos (the graph's video source) when given one. Ranking by hash rather than by a seeded
 * shuffle keeps the relative order of two videos independent of every other video, so adding a video moves at most
 * the videos at the cut points.
 */
export function assignVideos(videoIds: Iterable<string>, seed: number, fractions: SplitFractions): Map<string, VideoSplit> {
  const ranked = [...new Set(videoIds)]
    .map((id) => ({ id, rank: stableId(seed, 'video-split', id) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1));
  const sizes = splitSizes(ranked.length, fractions);
  const assignment = new Map<string, VideoSplit>();
  let position = 0;
  for (const split of VIDEO_SPLITS) {
    for (const { id } of ranked.slice(position, position + sizes[split])) assignment.set(id, split);
    position += sizes[split];
  }
  return assignment;
}
