import type { Segment } from '../types.ts';
import { samplingRate } from './frames.ts';

/** What the captioner does with a segment whose frames at the configured rate exceed `maxFrames`. */
export const FRAME_BUDGETS = ['split', 'cap'] as const;
export type FrameBudget = (typeof FRAME_BUDGETS)[number];

interface ClipRate {
  /** Frames per second the clip is sampled at (or, for `video_url`, asks the server to sample at). */
  fps: number;
  maxFrames: number;
  budget: FrameBudget;
}

/** The part of a segment sent in one captioning request, and the rate it is sampled at. */
export interface CaptionClip {
  segment: Segment;
  start: number;
  end: number;
  fps: number;
  /** `maxFrames` lowered the rate below the configured one. */
  capped: boolean;
}

/**
 * The clips a segment is captioned as. A segment whose frames at `fps` fit in `maxFrames` is one clip at `fps`.
 * Otherwise `cap` keeps it whole at the lowered rate `maxFrames / duration`, and `split` cuts it into the fewest
 * near-equal consecutive sub-clips that each fit at `fps`: each ends exactly where the next starts, the first at the
 * segment's start and the last at its end. The cuts between sub-clips fall on whole seconds of the video: the model
 * reads whole-second `[MM:SS]` labels from its clip's start, so a clip starting at 816.667 s would shift every event
 * it describes by two thirds of a second.
 */
export function planClips(segment: Segment, { fps, maxFrames, budget }: ClipRate): CaptionClip[] {
  const { start, end } = segment;
  const duration = end - start;
  if (duration * fps <= maxFrames) return [{ segment, start, end, fps, capped: false }];
  if (budget === 'cap') return [{ segment, start, end, fps: samplingRate(duration, fps, maxFrames), capped: true }];
  const fewest = Math.ceil((duration * fps) / maxFrames);
  const fits = (clips: CaptionClip[]) => clips.every((clip) => (clip.end - clip.start) * fps <= maxFrames);
  // Rounding a cut moves it by at most half a second, which may push a clip past the budget: then one more clip is
  // tried, and if that does not fit either (or a clip may not even last two seconds) the cuts stay at the millisecond.
  if (maxFrames / fps >= 2) {
    for (const count of [fewest, fewest + 1]) {
      const clips = cutAt(segment, fps, count, (t) => Math.round(t));
      if (fits(clips)) return clips;
    }
  }
  return cutAt(segment, fps, fewest, (t) => Math.round(t * 1000) / 1000);
}

/** `count` consecutive clips of the segment, the cuts between them placed by `place`. */
function cutAt(segment: Segment, fps: number, count: number, place: (t: number) => number): CaptionClip[] {
  const { start, end } = segment;
  const edges = Array.from({ length: count + 1 }, (_, i) => (i === 0 ? start : i === count ? end : place(start + (i * (end - start)) / count)));
  return edges.slice(0, -1).map((from, i) => ({ segment, start: from, end: edges[i + 1]!, fps, capped: false }));
}
