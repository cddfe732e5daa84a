import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../nodes/rewatch/types.ts';
import { planClips } from '../../../nodes/rewatch/video/clip-plan.ts';

const segment = (start: number, end: number): Segment => ({
  id: `s-${start}`,
  videoId: 'v',
  videoPath: '/videos/v.mp4',
  videoDuration: 2000,
  index: 1,
  start,
  end,
  reason: 'semantic',
});

const spans = (clips: ReturnType<typeof planClips>) => clips.map((c) => [c.start, c.end]);

describe('planClips', () => {
  it('keeps a segment whose frames at the configured rate fit in maxFrames whole, at that rate', () => {
    for (const budget of ['split', 'cap'] as const) {
      const clips = planClips(segment(700, 828), { fps: 2, maxFrames: 256, budget });
      expect(clips.map((c) => ({ span: [c.start, c.end], fps: c.fps, capped: c.capped }))).toEqual([{ span: [700, 828], fps: 2, capped: false }]);
    }
  });

  it('caps a longer segment at maxFrames / duration, whole, in cap mode', () => {
    const [clip, ...more] = planClips(segment(0, 700), { fps: 2, maxFrames: 256, budget: 'cap' });
    expect(more).toEqual([]);
    expect(clip).toMatchObject({ start: 0, end: 700, capped: true });
    // The 0.37 fps the issue reports for a 10-minute segment.
    expect(clip!.fps).toBeCloseTo(256 / 700, 12);
  });

  it('splits a longer segment into the fewest consecutive sub-clips that each fit at the configured rate', () => {
    const cases = [
      { start: 0, end: 700, fps: 2, maxFrames: 256 },
      { start: 700, end: 1380, fps: 2, maxFrames: 256 },
      { start: 3, end: 15, fps: 2, maxFrames: 8 },
      { start: 12.5, end: 613.25, fps: 1.5, maxFrames: 100 },
      { start: 0, end: 10, fps: 30, maxFrames: 7 },
    ];
    for (const { start, end, fps, maxFrames } of cases) {
      const clips = planClips(segment(start, end), { fps, maxFrames, budget: 'split' });
      const label = `${start}-${end} at ${fps} fps, ${maxFrames} frames`;
      expect(clips.length, label).toBe(Math.ceil(((end - start) * fps) / maxFrames));
      expect(clips[0]!.start, label).toBe(start);
      expect(clips.at(-1)!.end, label).toBe(end);
      clips.forEach((clip, i) => {
        expect(clip.segment.index, label).toBe(1);
        expect({ fps: clip.fps, capped: clip.capped }, label).toEqual({ fps, capped: false });
        expect(clip.end, label).toBeGreaterThan(clip.start);
        // At most maxFrames at the configured rate (up to the millisecond the edges are rounded to).
        expect((clip.end - clip.start - 0.0005) * fps, label).toBeLessThanOrEqual(maxFrames);
        if (i > 0) expect(clip.start, `${label}: no gap, no overlap`).toBe(clips[i - 1]!.end);
      });
    }
  });

  it('cuts the issue’s 10-minute segment at 2 fps into six sub-clips of about 233 frames, cut on whole seconds', () => {
    const clips = planClips(segment(0, 700), { fps: 2, maxFrames: 256, budget: 'split' });
    expect(spans(clips)).toEqual([
      [0, 117],
      [117, 233],
      [233, 350],
      [350, 467],
      [467, 583],
      [583, 700],
    ]);
  });

  it('adds a clip when cutting on whole seconds would push one past the budget, and keeps exact cuts when it must', () => {
    // 8 s from 0.4 s in clips of at most 4 s: two clips would cut at 4.4 → 4, leaving a 4.4 s second clip; three cut
    // at 3 and 6.
    expect(spans(planClips(segment(0.4, 8.4), { fps: 1, maxFrames: 4, budget: 'split' }))).toEqual([
      [0.4, 3],
      [3, 6],
      [6, 8.4],
    ]);
    // Clips of at most 1.5 s cannot be cut on whole seconds: the cuts stay exact.
    expect(spans(planClips(segment(0, 3), { fps: 2, maxFrames: 3, budget: 'split' }))).toEqual([
      [0, 1.5],
      [1.5, 3],
    ]);
  });
});
