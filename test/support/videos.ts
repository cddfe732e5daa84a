/**
 * Test videos made with ffmpeg's lavfi sources: tiny, fast to encode, with scene cuts at known times. Each helper
 * writes its file once into the given directory (one temp dir per test file) and returns the path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Scene {
  /** A lavfi source, e.g. `color=c=red` or `testsrc2`. */
  source: string;
  seconds: number;
}

export interface VideoSpec {
  scenes: readonly Scene[];
  width: number;
  height: number;
  fps: number;
  /** Lossless H.264: every frame of a still scene decodes to the same pixels (so its JPEGs are byte-identical). */
  lossless?: boolean;
}

/** Encodes the scenes one after another into an H.264 MP4 at `path` (skipped when the file exists). */
export function generateVideo(path: string, spec: VideoSpec): string {
  if (existsSync(path)) return path;
  const { scenes, width, height, fps } = spec;
  const inputs = scenes.flatMap((s) => ['-f', 'lavfi', '-i', `${s.source}${s.source.includes('=') ? ':' : '='}s=${width}x${height}:r=${fps}:d=${s.seconds}`]);
  const concat = `${scenes.map((_, i) => `[${i}:v]`).join('')}concat=n=${scenes.length}:v=1:a=0`;
  const quality = spec.lossless ? ['-qp', '0'] : ['-crf', '28'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', concat, '-c:v', 'libx264', '-preset', 'ultrafast', ...quality, '-pix_fmt', 'yuv420p', path]);
  return path;
}

/** Start times of the scenes after the first: where the cuts are. */
export function sceneCuts(scenes: readonly Scene[]): number[] {
  const cuts: number[] = [];
  let t = 0;
  for (const scene of scenes.slice(0, -1)) cuts.push((t += scene.seconds));
  return cuts;
}

/** 12 s, 64×48 at 5 fps: red (4 s), blue (5 s), then the moving test pattern (3 s). */
export const SHORT_SCENES: readonly Scene[] = [
  { source: 'color=c=red', seconds: 4 },
  { source: 'color=c=blue', seconds: 5 },
  { source: 'testsrc2', seconds: 3 },
];
export const shortVideo = (dir: string) =>
  generateVideo(join(dir, 'short.mp4'), { scenes: SHORT_SCENES, width: 64, height: 48, fps: 5, lossless: true });

/** 6 s, 64×48 at 5 fps: green then yellow. */
export const OTHER_SHORT_SCENES: readonly Scene[] = [
  { source: 'color=c=green', seconds: 3 },
  { source: 'color=c=yellow', seconds: 3 },
];
export const otherShortVideo = (dir: string) =>
  generateVideo(join(dir, 'other.mp4'), { scenes: OTHER_SHORT_SCENES, width: 64, height: 48, fps: 5, lossless: true });

/** 23 minutes (1380 s), 32×24 at 1 fps, a new colour about every three minutes (dark and bright alternate). */
export const LONG_SCENES: readonly Scene[] = [
  { source: 'color=c=black', seconds: 180 },
  { source: 'color=c=white', seconds: 190 },
  { source: 'color=c=navy', seconds: 175 },
  { source: 'color=c=yellow', seconds: 155 },
  { source: 'color=c=maroon', seconds: 180 },
  { source: 'color=c=cyan', seconds: 180 },
  { source: 'color=c=darkgreen', seconds: 170 },
  { source: 'color=c=pink', seconds: 150 },
];
export const LONG_DURATION = LONG_SCENES.reduce((sum, s) => sum + s.seconds, 0);
export const longVideo = (dir: string) =>
  generateVideo(join(dir, 'long.mp4'), { scenes: LONG_SCENES, width: 32, height: 24, fps: 1, lossless: true });

/** Seeded bytes with an .mp4 name: not a video at all. */
export function randomBytesVideo(dir: string): string {
  const path = join(dir, 'noise.mp4');
  let state = 0x9e3779b9;
  const bytes = Buffer.alloc(20_000, 0).map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  });
  writeFileSync(path, bytes);
  return path;
}

/** The first 40% of a real MP4: its index (the `moov` atom, written last) is gone. */
export function truncatedVideo(dir: string): string {
  const path = join(dir, 'truncated.mp4');
  const whole = readFileSync(otherShortVideo(dir));
  writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.4)));
  return path;
}

/** The duration ffprobe reports, for checks independent of the code under test. */
export function ffprobeDuration(path: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]).toString();
  return Number(out.trim());
}

/**
 * `count` distinct `seconds`-long 32×24 videos at 5 fps (each its own still colour) named `video-0000.mp4`… in `dir`,
 * (created if needed), encoded by one ffmpeg process per 50 files; files that exist are kept. Returns the paths in name
 * order.
 */
export function distinctVideos(dir: string, count: number, seconds: number): string[] {
  mkdirSync(dir, { recursive: true });
  const paths = Array.from({ length: count }, (_, i) => join(dir, `video-${String(i).padStart(4, '0')}.mp4`));
  const missing = paths.map((path, index) => ({ path, index })).filter(({ path }) => !existsSync(path));
  for (let start = 0; start < missing.length; start += 50) {
    const batch = missing.slice(start, start + 50);
    const inputs = batch.flatMap(({ index }) => ['-f', 'lavfi', '-i', `color=c=0x${distinctColour(index)}:s=32x24:r=5:d=${seconds}`]);
    // Written under a temporary name and renamed once whole, so an interrupted run leaves no half file to keep.
    const partial = (path: string) => `${path}.partial.mp4`;
    const outputs = batch.flatMap(({ path }, i) => ['-map', `${i}:v`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', partial(path)]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, ...outputs]);
    for (const { path } of batch) renameSync(partial(path), path);
  }
  return paths;
}

/** A colour of its own for each index (an odd multiplier walks all 2^24 colours before repeating). */
const distinctColour = (index: number) => ((index * 0x9e3779) & 0xffffff).toString(16).padStart(6, '0');
