import type { DenseCaption } from '../types.ts';
import { figure, plural } from './figure.ts';
import type { ReportFigure } from './types.ts';

/** Caption density: events per minute over all captioned video time (the paper gives no such figure). */
export function captionFigures(captions: Iterable<DenseCaption>): ReportFigure[] {
  let events = 0;
  let seconds = 0;
  let count = 0;
  for (const caption of captions) {
    events += caption.events.length;
    seconds += caption.duration;
    count += 1;
  }
  return [
    figure('captions', {
      id: 'events-per-minute',
      label: 'Caption events per minute of video',
      unit: 'per-minute',
      value: seconds > 0 ? events / (seconds / 60) : null,
      basis: count ? `${plural(events, 'event')} over ${(seconds / 60).toFixed(1)} min in ${plural(count, 'caption')}` : 'no captions given',
    }),
  ];
}
