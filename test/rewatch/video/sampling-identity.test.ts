import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMediaTools } from '../../../main/media/ffmpeg.ts';
import { until } from '../../support/until.ts';
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
  it('runs at most `cores` samplings at once, in the order asked, each with its share of the cores', async () => {
    const started: Array<{ n: number; threads: number | undefined }> = [];
    const releases: Array<() => void> = [];
    const startedCount = (count: number) => until(() => started.length >= count, `${count} samplings started`);
    const samplings = Array.from({ length: 5 }, (_, n) =>
      withDecodeThreads(2, (threads) => {
        started.push({ n, threads });
        return new Promise<void>((resolve) => (releases[n] = resolve));
      }),
    );
    await startedCount(2);
    // Alone the first had both cores; the second shares them.
    expect(started).toEqual([
      { n: 0, threads: 2 },
      { n: 1, threads: 1 },
    ]);
    releases[1]!();
    await startedCount(3);
    releases[0]!();
    await startedCount(4);
    expect(started.map((s) => s.n)).toEqual([0, 1, 2, 3]);
    expect(started.slice(2).map((s) => s.threads)).toEqual([1, 1]);
    releases[2]!();
    releases[3]!();
    await startedCount(5);
    releases[4]!();
    await Promise.all(samplings);
    await withDecodeThreads(2, async (threads) => void started.push({ n: 5, threads }));
    expect(started.at(-1)).toEqual({ n: 5, threads: 2 });
  });

  it('leaves a remote host’s ffmpeg to itself, and a cancelled sampling never starts', async () => {
    await expect(withDecodeThreads(undefined, async (threads) => threads)).resolves.toBeUndefined();
    let release: (() => void) | undefined;
    const busy = withDecodeThreads(1, () => new Promise<void>((resolve) => (release = resolve)));
    await until(() => release !== undefined, 'the first sampling started');
    const cancel = new AbortController();
    let ran = false;
    const waiting = withDecodeThreads(1, async () => void (ran = true), cancel.signal);
    cancel.abort(new Error('the run was cancelled'));
    release!();
    await busy;
    await expect(waiting).rejects.toThrow('the run was cancelled');
    expect(ran).toBe(false);
  });
});
