import type { Segment } from '../types.ts';

/** Where a video is cut into segments: pure arithmetic, shared by the segmenter's modes and its tests. */

export interface SegmentBounds {
  targetSec: number;
  minSec: number;
  maxSec: number;
}

/** Candidate cut times from one source, tried in priority order (the VLM's, then ffmpeg's scene changes). */
export interface CutSource {
  reason: 'semantic' | 'scene-change';
  times: readonly number[];
}

export interface Cut {
  time: number;
  reason: Segment['reason'];
}

type PlannedSegment = { start: number; end: number; reason: Segment['reason'] };

const toMillis = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** How many segments of about `targetSec` a long video gets: at least two, each within the bounds when possible. */
export function segmentCount(duration: number, { targetSec, minSec, maxSec }: SegmentBounds): number {
  const wanted = Math.max(2, Math.round(duration / targetSec), Math.ceil(duration / maxSec));
  return Math.max(1, Math.min(wanted, Math.floor(duration / minSec)));
}

/**
 * One cut per boundary between `count` segments. Cut i aims at i·duration/count; it takes the candidate nearest that
 * aim among the first source having one inside the window that keeps this segment and all later ones within
 * [minSec, maxSec], and falls back to the aim itself (clamped to the window) as a `fixed` cut.
 */
export function chooseCuts(duration: number, bounds: SegmentBounds, sources: readonly CutSource[]): Cut[] {
  const { minSec, maxSec } = bounds;
  const count = segmentCount(duration, bounds);
  const cuts: Cut[] = [];
  let previous = 0;
  for (let i = 1; i < count; i++) {
    const aim = (i * duration) / count;
    const low = Math.max(previous + minSec, duration - (count - i) * maxSec);
    const high = Math.min(previous + maxSec, duration - (count - i) * minSec);
    let cut: Cut = { time: toMillis(Math.min(Math.max(aim, low), high)), reason: 'fixed' };
    for (const source of sources) {
      const inWindow = source.times.filter((t) => t >= low && t <= high);
      if (inWindow.length === 0) continue;
      const nearest = inWindow.reduce((best, t) => (Math.abs(t - aim) < Math.abs(best - aim) ? t : best));
      cut = { time: toMillis(nearest), reason: source.reason };
      break;
    }
    cuts.push(cut);
    previous = cut.time;
  }
  return cuts;
}

/** Segments between the cuts. A segment's reason is that of the cut ending it; the last one takes its start's. */
export function segmentsFromCuts(duration: number, cuts: readonly Cut[]): PlannedSegment[] {
  if (cuts.length === 0) return [{ start: 0, end: duration, reason: 'whole' }];
  const edges = [0, ...cuts.map((c) => c.time), duration];
  return cuts
    .map((cut, i) => ({ start: edges[i]!, end: cut.time, reason: cut.reason }))
    .concat({ start: cuts.at(-1)!.time, end: duration, reason: cuts.at(-1)!.reason });
}

/**
 * Throws unless the segments cover [0, duration] exactly: the first starts at 0, each ends exactly where the next
 * starts, the last ends at the duration, none is empty, and (with `bounds`) each lasts between minSec and maxSec.
 */
export function assertContiguous(segments: readonly PlannedSegment[], duration: number, bounds?: SegmentBounds): void {
  const problem = (message: string) => new Error(`segments of a ${duration}s video ${message}: ${JSON.stringify(segments)}`);
  if (segments.length === 0 || segments[0]!.start !== 0) throw problem('do not start at 0');
  if (segments.at(-1)!.end !== duration) throw problem(`do not end at ${duration}`);
  for (const [i, segment] of segments.entries()) {
    if (!(segment.end > segment.start)) throw problem(`include an empty segment #${i}`);
    const next = segments[i + 1];
    if (next && next.start !== segment.end) throw problem(`leave a gap or overlap after segment #${i}`);
    const length = segment.end - segment.start;
    if (bounds && segments.length > 1 && (length < bounds.minSec - 1e-3 || length > bounds.maxSec + 1e-3)) {
      throw problem(`include segment #${i} of ${length}s, outside [${bounds.minSec}, ${bounds.maxSec}]`);
    }
  }
}
