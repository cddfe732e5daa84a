import type { DenseCaption } from '../types.ts';
import { figure, plural } from './figure.ts';
import type { ReportFigure } from './types.ts';

/**
 * Caption density: events per minute over all captioned video time; and the frame rate the captioner really sampled
 * at, the lowest over every clip, since a clip capped below the configured rate is the "high frame rate" silently
 * lost (the paper gives neither figure).
 */
export function captionFigures(captions: Iterable<DenseCaption>): ReportFigure[] {
  let events = 0;
  let seconds = 0;
  let count = 0;
  let clips = 0;
  let capped = 0;
  let lowestFps = Infinity;
  for (const caption of captions) {
    events += caption.events.length;
    seconds += caption.duration;
    count += 1;
    for (const clip of caption.sampling ?? []) {
      clips += 1;
      if (clip.capped) capped += 1;
      lowestFps = Math.min(lowestFps, clip.fps);
    }
  }
  return [
    figure('captions', {
      id: 'caption-fps-min',
      label: 'Captioning frame rate, lowest clip (fps)',
      unit: 'mean',
      value: clips ? lowestFps : null,
      basis: clips ? `${plural(clips, 'clip')}, ${plural(capped, 'clip')} capped below the configured rate` : 'no sampling recorded',
    }),
    figure('captions', {
      id: 'events-per-minute',
      label: 'Caption events per minute of video',
      unit: 'per-minute',
      value: seconds > 0 ? events / (seconds / 60) : null,
      basis: count ? `${plural(events, 'event')} over ${(seconds / 60).toFixed(1)} min in ${plural(count, 'caption')}` : 'no captions given',
    }),
  ];
}
