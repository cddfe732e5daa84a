/**
 * Frame sampling: `sampleFrames` (one ffmpeg process, JPEGs piped back and split in Node)
 * on a 60-minute 64×36 video at 5 fps, sampled at 1 fps, against the plainest ffmpeg command giving the same frames
 * (same filters and encoder, written straight to a file). Both must yield the same JPEGs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localMediaTools } from '../main/media/ffmpeg.ts';
import { sampleFrames, splitJpegs } from '../nodes/rewatch/video/frames.ts';
import { generateVideo, type Scene } from '../test/support/videos.ts';
import { atMost, fmt, printTable, scaled, timed, timedWithCpu, withTempDir, type BenchResult } from './support.ts';

const FPS = 1;
const WIDTH = 64;
const ROUNDS = 6;

export async function frameSampling(): Promise<BenchResult> {
  const minutes = scaled(60);
  const duration = minutes * 60;
  return withTempDir(async (dir) => {
    // Still colours and the moving test pattern alternate every five minutes (or less on a scaled-down run).
    const sceneSeconds = Math.min(300, duration / 2);
    const scenes: Scene[] = Array.from({ length: Math.ceil(duration / sceneSeconds) }, (_, i) => ({
      source: i % 2 ? 'testsrc2' : `color=c=0x${((i * 0x2f4b7d) & 0xffffff).toString(16).padStart(6, '0')}`,
      seconds: Math.min(sceneSeconds, duration - i * sceneSeconds),
    }));
    const { ms: generateMs, value: video } = await timed(() =>
      generateVideo(join(dir, 'hour.mp4'), { scenes, width: 64, height: 36, fps: 5 }),
    );

    const media = localMediaTools();
    const plainOutput = join(dir, 'plain.mjpeg');
    const plainArgs = ['-v', 'error', '-y', '-i', video, '-an', '-vf', `fps=${FPS},scale='min(${WIDTH},iw)':-2`];
    plainArgs.push('-f', 'image2pipe', '-vcodec', 'mjpeg', '-q:v', '3', plainOutput);
    let sampled: Awaited<ReturnType<typeof sampleFrames>> = [];
    // Alternating the two (each going first in turn) and keeping each one's fastest run leaves out most of the noise
    // of a shared machine; CPU time (ffmpeg's and, for sampleFrames, Node's own) is the figure load disturbs least.
    const sample = { ms: Infinity, cpuMs: 0 };
    const plain = { ms: Infinity, cpuMs: 0 };
    const runSample = async () => {
      const run = await timedWithCpu(() => sampleFrames(media, { path: video, start: 0, end: duration, fps: FPS, maxFrames: duration * FPS, width: WIDTH }));
      sampled = run.value;
      sample.ms = Math.min(sample.ms, run.ms);
      sample.cpuMs += run.cpuMs ?? NaN;
    };
    const runPlain = async () => {
      const run = await timedWithCpu(() => execFileSync(media.ffmpegPath, plainArgs));
      plain.ms = Math.min(plain.ms, run.ms);
      plain.cpuMs += run.cpuMs ?? NaN;
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 ? [runPlain, runSample] : [runSample, runPlain]) await side();
    }
    const plainFrames = splitJpegs(readFileSync(plainOutput));

    if (plainFrames.length !== sampled.length) throw new Error(`sampleFrames gave ${sampled.length} frames, plain ffmpeg ${plainFrames.length}`);
    const differing = plainFrames.filter((jpeg, i) => !jpeg.equals(sampled[i]!.jpeg)).length;
    if (differing) throw new Error(`${differing} of ${plainFrames.length} frames differ between sampleFrames and plain ffmpeg`);

    const ratio = sample.ms / plain.ms;
    const cpuRatio = sample.cpuMs / plain.cpuMs;
    printTable(`Frame sampling — ${minutes}-minute 64×36 video at 5 fps, sampled at ${FPS} fps`, [
      ['generate the video (lavfi + x264)', fmt.ms(generateMs)],
      ['sampleFrames', fmt.ms(sample.ms), `${fmt.int(sampled.length)} frames, fastest of ${ROUNDS}`],
      ['plain ffmpeg to a file', fmt.ms(plain.ms), `${fmt.int(plainFrames.length)} frames, identical bytes, fastest of ${ROUNDS}`],
      ...(Number.isNaN(cpuRatio) ? [] : [['CPU time, sampleFrames / plain', `${fmt.ratio(cpuRatio, 2)}×`, `over all ${ROUNDS} rounds`]]),
      ['sampleFrames / plain', `${fmt.ratio(ratio, 2)}×`, 'target ≤ 1.2×'],
    ]);
    return {
      name: 'frame-sampling',
      metric: 'sampleFrames time / plain ffmpeg time',
      value: ratio,
      display: `${fmt.ratio(ratio, 2)}× (${fmt.int(sampled.length)} frames in ${fmt.ms(sample.ms)})`,
      target: atMost(1.2, '×'),
    };
  });
}
