/**
 * Tiny distinct videos for the pipeline benchmarks, made with ffmpeg in parallel: 4 s at 32×24 and 2 fps, one palette
 * colour cut to another, each with its own content hash (so no video is a cache hit for another).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { PALETTE } from '../test/support/scripted-model.ts';

const COLOURS = Object.keys(PALETTE);
const PAIRS = COLOURS.length * (COLOURS.length - 1);
const CUTS = [1, 2, 3];
/** How many videos differ from each other: every ordered pair of colours, cut at each of `CUTS`. */
export const DISTINCT_VIDEOS = PAIRS * CUTS.length;

/** Video `i`: 4 s of one palette colour, then from a whole second on another. */
function videoArgs(i: number, path: string): string[] {
  const first = i % COLOURS.length;
  const second = (first + 1 + (Math.floor(i / COLOURS.length) % (COLOURS.length - 1))) % COLOURS.length;
  const cut = CUTS[Math.floor(i / PAIRS) % CUTS.length];
  return [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${COLOURS[first]}:s=32x24:r=2:d=4`],
    ...['-vf', `drawbox=color=${COLOURS[second]}:t=fill:enable='gte(t,${cut})'`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', path],
  ];
}

/** Writes `count` videos (`v0000.mp4`…) into `folder`, `atOnce` ffmpeg processes at a time. */
export async function generateVideos(folder: string, count: number, atOnce: number): Promise<void> {
  if (count > DISTINCT_VIDEOS) throw new RangeError(`at most ${DISTINCT_VIDEOS} distinct videos can be generated, asked for ${count}`);
  const ffmpeg = promisify(execFile);
  const limit = pLimit(atOnce);
  await Promise.all(Array.from({ length: count }, (_, i) => limit(() => ffmpeg('ffmpeg', videoArgs(i, join(folder, `v${String(i).padStart(4, '0')}.mp4`))))));
}
