import type { Segment } from '../types.ts';
import { samplingRate } from './frames.ts';

/** What the captioner does with a segment whose frames at the configured rate exceed `maxFrames`. */
export const FRAME_BUDGETS = ['split', 'cap'] as const;
export type FrameBudget = (typeof FRAME_BUDGETS)[number];

export interface ClipRate {
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

const toMillis = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * The clips a segment is captioned as. A segment whose frames at `fps` fit in `maxFrames` is one clip at `fps`.
 * Otherwise `cap` keeps it whole at the lowered rate `maxFrames / duration`, and `split` cuts it into the fewest
 * equal consecutive sub-clips that each fit at `fps`: each ends exactly where the next starts, the first at the
 * segment's start and the last at its end.
 */
export function planClips(segment: Segment, { fps, maxFrames, budget }: ClipRate): CaptionClip[] {
  const { start, end } = segment;
  const duration = end - start;
  if (duration * fps <= maxFrames) return [{ segment, start, end, fps, capped: false }];
  if (budget === 'cap') return [{ segment, start, end, fps: samplingRate(duration, fps, maxFrames), capped: true }];
  const count = Math.ceil((duration * fps) / maxFrames);
  const edges = Array.from({ length: count + 1 }, (_, i) => (i === 0 ? start : i === count ? end : toMillis(start + (i * duration) / count)));
  return edges.slice(0, -1).map((from, i) => ({ segment, start: from, end: edges[i + 1]!, fps, capped: false }));
}
