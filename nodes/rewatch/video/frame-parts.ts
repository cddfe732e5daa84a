import type { ChatContentPart } from '../../sdk/index.ts';
import { formatTimestamp } from '../timecode.ts';
import type { SampledFrame } from './frames.ts';

/** The portable way to show a model sampled frames: each JPEG as an `image_url` part after a `[MM:SS]` text part. */
export function frameParts(frames: readonly SampledFrame[]): ChatContentPart[] {
  return frames.flatMap((frame): ChatContentPart[] => [
    { type: 'text', text: `[${formatTimestamp(frame.time)}]` },
    { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${frame.jpeg.toString('base64')}` } },
  ]);
}
