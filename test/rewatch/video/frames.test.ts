import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMediaTools } from '../../../main/media/ffmpeg.ts';
import { cutClip, keyframeAt, probeVideo, sampleFrames, sceneChangeTimes, splitJpegs } from '../../../nodes/rewatch/video/frames.ts';
import { assertContiguous, chooseCuts, segmentsFromCuts } from '../../../nodes/rewatch/video/segment-plan.ts';
import { tempDir } from '../../support/engine-fixture.ts';
import { ffprobeDuration, LONG_DURATION, LONG_SCENES, longVideo, randomBytesVideo, sceneCuts, shortVideo, truncatedVideo } from '../../support/videos.ts';

const media = localMediaTools();
let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('rewatch-frames-');
});
afterAll(() => dir.remove());

describe('probeVideo', () => {
  it('reads duration, frame rate and size', async () => {
    expect(await probeVideo(media, shortVideo(dir.path))).toEqual({ duration: 12, fps: 5, width: 64, height: 48 });
    expect(await probeVideo(media, longVideo(dir.path))).toEqual({ duration: LONG_DURATION, fps: 1, width: 32, height: 24 });
  });

  it('throws ffprobe’s own message for files it cannot read', async () => {
    await expect(probeVideo(media, randomBytesVideo(dir.path))).rejects.toThrow('Invalid data found when processing input');
    await expect(probeVideo(media, truncatedVideo(dir.path))).rejects.toThrow('moov atom not found');
    await expect(probeVideo(media, join(dir.path, 'absent.mp4'))).rejects.toThrow('No such file or directory');
  });
});

describe('sampleFrames', () => {
  it('takes fps × duration JPEG frames from one range, timed from the range start', async () => {
    const frames = await sampleFrames(media, { path: shortVideo(dir.path), start: 3, end: 9, fps: 2, maxFrames: 256 });
    expect(frames.map((f) => f.time)).toEqual(Array.from({ length: 12 }, (_, i) => i / 2));
    for (const frame of frames) {
      expect(frame.jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
      expect(frame.jpeg.subarray(-2).toString('hex')).toBe('ffd9');
    }
    // 3–4 s is red, 4–9 s blue: the still frames of each colour are identical, and the two colours differ.
    const distinct = [...new Set(frames.map((f) => f.jpeg.toString('base64')))];
    expect(distinct).toHaveLength(2);
    expect(frames.slice(0, 2).every((f) => f.jpeg.equals(frames[0]!.jpeg))).toBe(true);
    expect(frames[2]!.jpeg.equals(frames[0]!.jpeg)).toBe(false);
  });

  it('lowers the rate to spread maxFrames over the whole range', async () => {
    const frames = await sampleFrames(media, { path: longVideo(dir.path), start: 0, end: LONG_DURATION, fps: 1, maxFrames: 100 });
    expect(frames).toHaveLength(100);
    const step = LONG_DURATION / 100;
    frames.forEach((f, i) => expect(f.time).toBeCloseTo(i * step, 2));
    expect(frames.at(-1)!.time).toBeGreaterThan(LONG_DURATION - 2 * step);
  });

  it('scales frames down to the width, never up', async () => {
    const size = async (width: number) => {
      const [frame] = await sampleFrames(media, { path: shortVideo(dir.path), start: 0, end: 1, fps: 1, maxFrames: 1, width });
      const { width: w, height: h } = await probeJpeg(frame!.jpeg);
      return [w, h];
    };
    expect(await size(32)).toEqual([32, 24]);
    expect(await size(448)).toEqual([64, 48]);
  });
});

async function probeJpeg(jpeg: Buffer): Promise<{ width: number; height: number }> {
  const result = await media.ffprobe(['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', '-i', 'pipe:0'], { stdin: jpeg });
  return (JSON.parse(result.stdout.toString()) as { streams: Array<{ width: number; height: number }> }).streams[0]!;
}

describe('splitJpegs', () => {
  it('splits on markers, not on FFD9 bytes inside a segment', () => {
    // A fake JPEG whose comment segment holds FF D9, then a second JPEG.
    const first = Buffer.from([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x04, 0xff, 0xd9, 0xff, 0xda, 0x00, 0x02, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd9]);
    const second = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x56, 0xff, 0xd0, 0x78, 0xff, 0xd9]);
    const parts = splitJpegs(Buffer.concat([first, second]));
    expect(parts.map((p) => p.toString('hex'))).toEqual([first.toString('hex'), second.toString('hex')]);
    expect(() => splitJpegs(first.subarray(0, 12))).toThrow('no end marker');
  });
});

describe('sceneChangeTimes', () => {
  it('finds every colour change of the 23-minute video', async () => {
    expect(await sceneChangeTimes(media, { path: longVideo(dir.path), threshold: 0.3 })).toEqual(sceneCuts(LONG_SCENES));
  });
});

describe('cutClip', () => {
  it('stream-copies a cut that starts on a keyframe and re-encodes one that does not, both exact', async () => {
    const path = longVideo(dir.path);
    expect(await keyframeAt(media, path, 500)).toBe(true);
    expect(await keyframeAt(media, path, 700)).toBe(false);
    const copied = join(dir.path, 'copied.mp4');
    expect(await cutClip(media, { path, start: 500, end: 750, output: copied })).toEqual({ copied: true });
    expect(ffprobeDuration(copied)).toBeCloseTo(250, 0);
    const encoded = join(dir.path, 'encoded.mp4');
    expect(await cutClip(media, { path, start: 700, end: 1380, output: encoded })).toEqual({ copied: false });
    expect(ffprobeDuration(encoded)).toBeCloseTo(680, 0);
    // The re-encoded clip starts with the scene that starts at 700 s (maroon), not the one before it.
    const [first] = await sampleFrames(media, { path: encoded, start: 0, end: 1, fps: 1, maxFrames: 1 });
    const [atCut] = await sampleFrames(media, { path, start: 700, end: 701, fps: 1, maxFrames: 1 });
    const [before] = await sampleFrames(media, { path, start: 699, end: 700, fps: 1, maxFrames: 1 });
    expect(first!.jpeg.equals(atCut!.jpeg)).toBe(true);
    expect(first!.jpeg.equals(before!.jpeg)).toBe(false);
  });
});

describe('segment plan', () => {
  const bounds = { targetSec: 600, minSec: 300, maxSec: 900 };

  it('cuts at the target when no source has a boundary near it', () => {
    const cuts = chooseCuts(1380, bounds, [{ reason: 'scene-change', times: [10, 1370] }]);
    expect(cuts).toEqual([{ time: 690, reason: 'fixed' }]);
    expect(segmentsFromCuts(1380, cuts)).toEqual([
      { start: 0, end: 690, reason: 'fixed' },
      { start: 690, end: 1380, reason: 'fixed' },
    ]);
  });

  it('prefers the first source, then the next, and keeps every segment within bounds', () => {
    const cuts = chooseCuts(3000, bounds, [
      { reason: 'semantic', times: [640, 1250] },
      { reason: 'scene-change', times: [1700, 1790, 2350] },
    ]);
    expect(cuts).toEqual([
      { time: 640, reason: 'semantic' },
      { time: 1250, reason: 'semantic' },
      { time: 1790, reason: 'scene-change' },
      { time: 2350, reason: 'scene-change' },
    ]);
    assertContiguous(segmentsFromCuts(3000, cuts), 3000, bounds);
  });

  it('rejects segments with a gap, an overlap, or a length out of bounds', () => {
    expect(() => assertContiguous([{ start: 0, end: 600, reason: 'fixed' }, { start: 601, end: 1200, reason: 'fixed' }], 1200)).toThrow('gap or overlap');
    expect(() => assertContiguous([{ start: 0, end: 600, reason: 'fixed' }, { start: 599, end: 1200, reason: 'fixed' }], 1200)).toThrow('gap or overlap');
    expect(() => assertContiguous([{ start: 0, end: 600, reason: 'fixed' }], 1200)).toThrow('do not end at 1200');
    expect(() => assertContiguous([{ start: 0, end: 100, reason: 'fixed' }, { start: 100, end: 1200, reason: 'fixed' }], 1200, bounds)).toThrow('outside');
  });
});
