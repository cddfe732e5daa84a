import type { ClipSampling } from '../../../nodes/rewatch/types.ts';
import { clock } from '../ItemCursor.tsx';
import { segmentRates, type SegmentRate } from './segment-rates.ts';

/** `2`, `0.37`, `1.5`: a rate as a person reads it. */
const rate = (fps: number) => String(Math.round(fps * 100) / 100);

function describe(segment: SegmentRate): string {
  const sent = segment.input === 'frames' ? `${segment.frames} frames sent` : `the server asked for ${rate(segment.fps)} fps`;
  const requests = segment.clips === 1 ? 'one request' : `${segment.clips} sub-clips`;
  const verdict = segment.belowConfigured
    ? `below the configured ${rate(segment.configuredFps)} fps${segment.capped ? ' (lowered by maxFrames: frameBudget cap)' : ''}`
    : `the configured ${rate(segment.configuredFps)} fps`;
  return `segment ${segment.segment} ${clock(segment.start)}–${clock(segment.end)}: ${sent} in ${requests}; ${rate(segment.fps)} fps, ${verdict}`;
}

/**
 * Under the caption timeline: the frame rate each segment was really captioned at, flagged where it fell below the
 * configured one. `at` places a time on the timeline (a CSS length).
 */
export function SamplingStrip({ sampling, at }: { sampling: readonly ClipSampling[]; at(seconds: number): string }) {
  return (
    <div className="timeline-rates">
      {segmentRates(sampling).map((segment) => (
        <div
          key={segment.segment}
          className={`timeline-rate${segment.belowConfigured ? ' below' : ''}`}
          style={{ left: at(segment.start), width: at(segment.end - segment.start) }}
          title={describe(segment)}
          data-testid="segment-rate"
          data-below={segment.belowConfigured}
        >
          {segment.belowConfigured ? `⚠ ${rate(segment.fps)} fps < ${rate(segment.configuredFps)}` : `${rate(segment.fps)} fps`}
        </div>
      ))}
    </div>
  );
}
