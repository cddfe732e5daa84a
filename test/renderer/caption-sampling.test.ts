import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ClipSampling } from '../../nodes/rewatch/types.ts';
import { segmentRates } from '../../renderer/previews/rewatch/segment-rates.ts';
import { SamplingStrip } from '../../renderer/previews/rewatch/SamplingStrip.tsx';

const framesClip = (segment: number, start: number, end: number, frames: number, capped = false): ClipSampling => ({
  input: 'frames',
  segment,
  start,
  end,
  configuredFps: 2,
  capped,
  frames,
  fps: frames / (end - start),
});

/**
 * The 23-minute video at 2 fps with 500 frames a request: segment 0 split into three sub-clips of 466.67 frames' time
 * (ffmpeg gives 466 or 467), segment 1 capped.
 */
const longVideo: ClipSampling[] = [
  framesClip(0, 0, 233.333, 466),
  framesClip(0, 233.333, 466.667, 466),
  framesClip(0, 466.667, 700, 467),
  framesClip(1, 700, 1380, 500, true),
];

/** What the strip shows, segment by segment: its place, label, warning flag and hover text. */
function shown(sampling: ClipSampling[]) {
  const html = renderToStaticMarkup(createElement(SamplingStrip, { sampling, at: (seconds: number) => `${seconds}px` }));
  const boxes = /<div class="([^"]*)" style="([^"]*)" title="([^"]*)" data-testid="segment-rate" data-below="(true|false)">([^<]*)<\/div>/g;
  return [...html.matchAll(boxes)].map(([, className, style, title, below, label]) => ({ className, style, title, below, label }));
}

describe('segmentRates', () => {
  it('adds up a split segment’s sub-clips, whose rounding to whole frames is no shortfall, and flags the capped one', () => {
    const [split, capped] = segmentRates(longVideo);
    expect(split).toEqual({ segment: 0, start: 0, end: 700, input: 'frames', configuredFps: 2, frames: 1399, fps: 1399 / 700, clips: 3, capped: false, belowConfigured: false });
    expect(capped).toEqual({ segment: 1, start: 700, end: 1380, input: 'frames', configuredFps: 2, frames: 500, fps: 500 / 680, clips: 1, capped: true, belowConfigured: true });
  });

  it('takes a missing fraction of a frame as rounding, a whole missing frame in a clip as a shortfall even without the cap', () => {
    const [rounded, short] = segmentRates([framesClip(0, 0, 12.4, 24), framesClip(1, 12.4, 24.8, 23)]);
    expect(rounded).toMatchObject({ belowConfigured: false, capped: false });
    expect(short).toMatchObject({ belowConfigured: true, capped: false });
  });

  it('uses the rate a video_url request asked for', () => {
    const asked: ClipSampling = { input: 'video_url', segment: 0, start: 0, end: 12, configuredFps: 2, capped: true, fps: 8 / 12 };
    expect(segmentRates([asked])).toEqual([
      { segment: 0, start: 0, end: 12, input: 'video_url', configuredFps: 2, frames: 8, fps: 8 / 12, clips: 1, capped: true, belowConfigured: true },
    ]);
  });
});

describe('SamplingStrip', () => {
  it('shows each segment’s effective rate under its span of the timeline, with a warning where it is below the configured one', () => {
    expect(shown(longVideo)).toEqual([
      {
        className: 'timeline-rate',
        style: 'left:0px;width:700px',
        title: 'segment 0 0:00–11:40: 1399 frames sent in 3 sub-clips; 2 fps, the configured 2 fps',
        below: 'false',
        label: '2 fps',
      },
      {
        className: 'timeline-rate below',
        style: 'left:700px;width:680px',
        title: 'segment 1 11:40–23:00: 500 frames sent in one request; 0.74 fps, below the configured 2 fps (lowered by maxFrames: frameBudget cap)',
        below: 'true',
        label: '⚠ 0.74 fps &lt; 2',
      },
    ]);
  });

  it('says what a video_url request asked the server for', () => {
    const [segment] = shown([{ input: 'video_url', segment: 0, start: 0, end: 600, configuredFps: 2, capped: false, fps: 2 }]);
    expect(segment).toMatchObject({ label: '2 fps', below: 'false', title: 'segment 0 0:00–10:00: the server asked for 2 fps in one request; 2 fps, the configured 2 fps' });
  });
});
