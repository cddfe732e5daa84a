import type { MediaTools, ProcessResult } from '../../sdk/index.ts';
import { withDecodeThreads } from './decode-threads.ts';

/** ffmpeg/ffprobe helpers the video nodes share: metadata, frame sampling, scene changes, clips. */

type VideoInfo = {
  duration: number;
  fps: number;
  width: number;
  height: number;
};

export interface SampledFrame {
  /** Seconds from the start of the sampled range. */
  time: number;
  jpeg: Buffer;
}

interface SampleOptions {
  path: string;
  start: number;
  end: number;
  fps: number;
  maxFrames: number;
  /** Frames wider than this are scaled down to it (never up), keeping the aspect ratio. */
  width?: number;
  signal?: AbortSignal;
}

function failure(tool: string, path: string, result: ProcessResult): Error {
  const message = result.stderr.trim().split('\n').filter(Boolean).slice(-3).join('\n');
  return new Error(message || `${tool} exited with code ${result.exitCode} on ${path}`);
}

function ratio(text: unknown): number {
  const [num, den] = String(text ?? '').split('/').map(Number);
  const value = den === undefined ? num! : num! / den;
  return Number.isFinite(value) && value > 0 ? value : NaN;
}

interface ProbeJson {
  format?: { duration?: string };
  streams?: Array<{
    codec_type?: string;
    width?: number;
    height?: number;
    duration?: string;
    r_frame_rate?: string;
    avg_frame_rate?: string;
    disposition?: { attached_pic?: number };
  }>;
}

/** Duration, frame rate and size of a video's first video stream; ffprobe's own message when it cannot read the file. */
export async function probeVideo(media: MediaTools, path: string, signal?: AbortSignal): Promise<VideoInfo> {
  const result = await media.ffprobe(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], signal ? { signal } : {});
  if (result.exitCode !== 0) throw failure('ffprobe', path, result);
  const probe = JSON.parse(result.stdout.toString('utf8')) as ProbeJson;
  const stream = probe.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!stream) throw new Error(`${path}: no video stream`);
  const duration = Number(probe.format?.duration ?? stream.duration);
  const fps = [stream.avg_frame_rate, stream.r_frame_rate].map(ratio).find((r) => !Number.isNaN(r));
  if (!(duration > 0)) throw new Error(`${path}: ffprobe reports no duration`);
  if (fps === undefined) throw new Error(`${path}: ffprobe reports no frame rate`);
  if (!stream.width || !stream.height) throw new Error(`${path}: ffprobe reports no frame size`);
  return { duration, fps, width: stream.width, height: stream.height };
}

/** The rate that samples `duration` seconds at `fps`, lowered so that no more than `maxFrames` are taken. */
export function samplingRate(duration: number, fps: number, maxFrames: number): number {
  return duration * fps > maxFrames ? maxFrames / duration : fps;
}

/** Splits concatenated JPEGs (ffmpeg's image2pipe) by walking their markers, so bytes inside tables never cut a frame. */
export function splitJpegs(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = 0;
  while (start + 1 < stream.length) {
    if (stream[start] !== 0xff || stream[start + 1] !== 0xd8) throw new Error(`no JPEG start marker at byte ${start}`);
    let at = start + 2;
    let end = -1;
    while (end < 0) {
      if (at + 3 >= stream.length) throw new Error(`JPEG at byte ${start} is truncated`);
      if (stream[at] !== 0xff) throw new Error(`JPEG at byte ${start}: expected a marker at byte ${at}`);
      const marker = stream[at + 1]!;
      const length = stream.readUInt16BE(at + 2);
      at += 2 + length;
      if (marker !== 0xda) continue;
      // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker until the next real marker.
      for (at = stream.indexOf(0xff, at); at >= 0 && at + 1 < stream.length; at = stream.indexOf(0xff, at + 1)) {
        const next = stream[at + 1]!;
        if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) break;
      }
      if (at < 0) at = stream.length;
      if (stream[at + 1] === 0xd9) end = at + 2;
      else if (at + 1 >= stream.length) throw new Error(`JPEG at byte ${start} has no end marker`);
      // Another scan (progressive JPEG) follows: keep walking segments.
    }
    frames.push(stream.subarray(start, end));
    start = end;
  }
  return frames;
}

/**
 * JPEG frames of `[start, end]` at `fps` from ONE ffmpeg process (input seeking, fps filter, optional downscale);
 * when the range would give more than `maxFrames`, the rate is lowered so the frames spread over the whole range.
 */
export async function sampleFrames(media: MediaTools, options: SampleOptions): Promise<SampledFrame[]> {
  const { path, start, end, maxFrames } = options;
  const rate = samplingRate(end - start, options.fps, maxFrames);
  const filters = [`fps=${rate}`];
  if (options.width) filters.push(`scale='min(${options.width},iw)':-2`);
  const result = await withDecodeThreads(media.cores, (threads) => {
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
    if (threads !== undefined) args.push('-threads', String(threads));
    // The filters after `fps` and the JPEG encoder see only the sampled frames, one or two a second: a thread pool
    // there costs more CPU than it saves. One thread each gives the same bytes.
    args.push('-filter_threads', '1', '-ss', String(start), '-to', String(end), '-i', path);
    args.push('-an', '-sn', '-vf', filters.join(','), '-f', 'image2pipe', '-vcodec', 'mjpeg', '-q:v', '3', '-threads', '1', '-');
    return media.ffmpeg(args, options.signal ? { signal: options.signal } : {});
  }, options.signal);
  if (result.exitCode !== 0) throw failure('ffmpeg', path, result);
  // The fps filter emits frame n at n / rate from the start of the range; it may round one frame past the cap.
  return splitJpegs(result.stdout)
    .slice(0, maxFrames)
    .map((jpeg, n) => ({ time: n / rate, jpeg }));
}

/** Times (seconds) where ffmpeg's scene score exceeds `threshold` (0–1), in order. */
export async function sceneChangeTimes(
  media: MediaTools,
  options: { path: string; threshold: number; signal?: AbortSignal },
): Promise<number[]> {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', options.path, '-an', '-sn'];
  args.push('-vf', `select='gt(scene,${options.threshold})',showinfo`, '-f', 'null', '-');
  const result = await media.ffmpeg(args, options.signal ? { signal: options.signal } : {});
  if (result.exitCode !== 0) throw failure('ffmpeg', options.path, result);
  return [...result.stderr.matchAll(/Parsed_showinfo.*?pts_time:\s*([\d.]+)/g)].map((m) => Number(m[1]));
}

/** Whether the video stream has a keyframe exactly at `time`, so a stream copy cut there starts where asked. */
export async function keyframeAt(media: MediaTools, path: string, time: number, signal?: AbortSignal): Promise<boolean> {
  if (time === 0) return true;
  // Seeking lands on the last keyframe at or before `time`; its first packet says where that is.
  const args = ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', `${time}%+#1`];
  args.push('-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path);
  const result = await media.ffprobe(args, signal ? { signal } : {});
  if (result.exitCode !== 0) throw failure('ffprobe', path, result);
  const [ptsTime, flags] = result.stdout.toString('utf8').trim().split('\n')[0]?.split(',') ?? [];
  return Boolean(flags?.startsWith('K')) && Math.abs(Number(ptsTime) - time) < 1e-3;
}

/**
 * Cuts `[start, end]` of a video into an MP4 file (video only): a stream copy when the cut starts on a keyframe
 * and the codec fits MP4, otherwise a fast re-encode, so the clip always starts exactly at `start`.
 */
export async function cutClip(
  media: MediaTools,
  options: { path: string; start: number; end: number; output: string; signal?: AbortSignal },
): Promise<{ copied: boolean }> {
  const { path, start, end, output, signal } = options;
  const exec = signal ? { signal } : {};
  const input = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-ss', String(start), '-to', String(end), '-i', path];
  const common = ['-map', '0:v:0', '-an', '-sn', '-dn', '-movflags', '+faststart', '-f', 'mp4', output];
  if (await keyframeAt(media, path, start, signal)) {
    const copy = await media.ffmpeg([...input, '-c:v', 'copy', '-avoid_negative_ts', 'make_zero', ...common], exec);
    if (copy.exitCode === 0) return { copied: true };
  }
  const encode = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'];
  const result = await media.ffmpeg([...input, ...encode, ...common], exec);
  if (result.exitCode !== 0) throw failure('ffmpeg', path, result);
  return { copied: false };
}
