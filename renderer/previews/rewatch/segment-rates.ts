import type { ClipSampling } from '../../../nodes/rewatch/types.ts';

/** The frame rate a captioned segment really got, over all its clips (one, or its sub-clips). */
export interface SegmentRate {
  segment: number;
  start: number;
  end: number;
  input: ClipSampling['input'];
  configuredFps: number;
  /** Frames sent (`frames` input) or that the rate asked of the server gives (`video_url` input). */
  frames: number;
  /** `frames` ÷ the segment's duration. */
  fps: number;
  clips: number;
  /** `maxFrames` lowered the rate of at least one clip. */
  capped: boolean;
  /** A clip got at least one whole frame fewer than the configured rate gives it (each clip's rounding is not). */
  belowConfigured: boolean;
}

const framesOf = (clip: ClipSampling) => (clip.input === 'frames' ? clip.frames : clip.fps * (clip.end - clip.start));
const shortOfFrames = (clip: ClipSampling) => clip.configuredFps * (clip.end - clip.start) - framesOf(clip) >= 1;

/** One rate per segment, in segment order, from a dense caption's per-clip `sampling`. */
export function segmentRates(sampling: readonly ClipSampling[]): SegmentRate[] {
  const bySegment = new Map<number, ClipSampling[]>();
  for (const clip of sampling) bySegment.set(clip.segment, [...(bySegment.get(clip.segment) ?? []), clip]);
  return [...bySegment.entries()]
    .sort(([a], [b]) => a - b)
    .map(([segment, clips]) => {
      const duration = clips.reduce((sum, clip) => sum + (clip.end - clip.start), 0);
      const frames = clips.reduce((sum, clip) => sum + framesOf(clip), 0);
      const configuredFps = clips[0]!.configuredFps;
      return {
        segment,
        start: Math.min(...clips.map((clip) => clip.start)),
        end: Math.max(...clips.map((clip) => clip.end)),
        input: clips[0]!.input,
        configuredFps,
        frames,
        fps: duration > 0 ? frames / duration : 0,
        clips: clips.length,
        capped: clips.some((clip) => clip.capped),
        belowConfigured: clips.some(shortOfFrames),
      };
    });
}
