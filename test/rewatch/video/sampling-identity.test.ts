import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMediaTools } from '../../../main/media/ffmpeg.ts';
import { withDecodeThreads } from '../../../nodes/rewatch/video/decode-threads.ts';
import { sampleFrames, splitJpegs } from '../../../nodes/rewatch/video/frames.ts';
import { tempDir } from '../../support/engine-fixture.ts';
import { generateVideo } from '../../support/videos.ts';

const media = localMediaTools();
const DURATION = 40;
const FPS = 2;
let dir: ReturnType<typeof tempDir>;
let video: string;
beforeAll(() => {
  dir = tempDir('rewatch-sampling-identity-');
  // Moving pictures and a cut, so that every sampled frame differs from its neighbours.
  const scenes = [
    { source: 'testsrc2', seconds: DURATION / 2 },
    { source: 'testsrc', seconds: DURATION / 2 },
  ];
  video = generateVideo(join(dir.path, 'moving.mp4'), { scenes, width: 96, height: 64, fps: 10 });
});
afterAll(() => dir.remove());

/** The frames the plainest ffmpeg command gives: ffmpeg's default threads, no seeking, the same filters and encoder. */
function plainFfmpegFrames(width: number): Buffer[] {
  const args = ['-v', 'error', '-i', video, '-an', '-vf', `fps=${FPS},scale='min(${width},iw)':-2`];
  args.push('-f', 'image2pipe', '-vcodec', 'mjpeg', '-q:v', '3', '-');
  return splitJpegs(execFileSync(media.ffmpegPath, args, { maxBuffer: 64 << 20 }));
}

describe('sampleFrames against plain ffmpeg', () => {
  it('gives the same frames byte for byte, as many and at the same times, alone and beside other samplings', async () => {
    const plain = plainFfmpegFrames(64);
    expect(plain).toHaveLength(DURATION * FPS);
    expect(new Set(plain.map((jpeg) => jpeg.toString('base64'))).size).toBeGreaterThan(DURATION * FPS * 0.9);
    const sample = () => sampleFrames(media, { path: video, start: 0, end: DURATION, fps: FPS, maxFrames: 1000, width: 64 });

    const alone = await sample();
    // Several at once share the cores, so each decodes with fewer threads than one alone.
    const together = await Promise.all([sample(), sample(), sample()]);
    for (const frames of [alone, ...together]) {
      expect(frames.map((f) => f.time)).toEqual(plain.map((_, n) => n / FPS));
      expect(frames.map((f) => f.jpeg.toString('base64'))).toEqual(plain.map((jpeg) => jpeg.toString('base64')));
    }
  });
});

describe('withDecodeThreads', () => {
  it('gives a sampling all the cores alone, a share beside others, one when they outnumber the cores', async () => {
    const seen: Array<number | undefined> = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withDecodeThreads(8, async (threads) => {
      seen.push(threads);
      await held;
    });
    await withDecodeThreads(8, async (threads) => {
      seen.push(threads);
      await withDecodeThreads(8, async (inner) => void seen.push(inner));
      await Promise.all(Array.from({ length: 9 }, () => withDecodeThreads(8, async (t) => void seen.push(t))));
    });
    release();
    await first;
    await withDecodeThreads(8, async (threads) => void seen.push(threads));
    await withDecodeThreads(undefined, async (threads) => void seen.push(threads));
    // 1 running: 8; 2: 4; 3: 2; then nine more beside two: 3 and 4 running get 2, 5 to 11 running get 1.
    expect(seen).toEqual([8, 4, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 8, undefined]);
  });
});
