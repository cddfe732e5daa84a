import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecOptions, HostHandle, MediaTools, ProcessResult } from '../../nodes/sdk/index.ts';
import { runLocal } from '../hosts/local.ts';

/**
 * Where ffmpeg comes from, in order: the `FFMPEG_BIN` env override, ffmpeg-static's binary when its download
 * succeeded, then `ffmpeg` on PATH. ffprobe follows: `FFPROBE_BIN`, beside the chosen ffmpeg, then PATH.
 */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): { ffmpeg: string; ffprobe: string } {
  const ffmpeg = env.FFMPEG_BIN || ffmpegStaticBinary() || 'ffmpeg';
  const sibling = ffmpeg.includes('/') ? join(dirname(ffmpeg), 'ffprobe') : undefined;
  const ffprobe = env.FFPROBE_BIN || (sibling && existsSync(sibling) ? sibling : 'ffprobe');
  return { ffmpeg, ffprobe };
}

/**
 * ffmpeg-static's own binary, found where the package lies. Its module export is not used: it hands back whatever
 * `FFMPEG_BIN` the process has (ffmpeg-static 5.3.0, index.js), which is this resolver's override to apply or not.
 */
function ffmpegStaticBinary(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('ffmpeg-static/package.json');
    const binary = join(dirname(manifest), process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** ffmpeg and ffprobe run on the node's host: resolved here for this machine, taken from the PATH elsewhere. */
export function mediaTools(host: Pick<HostHandle, 'kind' | 'exec'>): MediaTools {
  const paths = host.kind === 'local' ? resolveFfmpeg() : { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
  const run = (tool: string) => (args: readonly string[], options?: ExecOptions): Promise<ProcessResult> =>
    host.exec([tool, ...args], options);
  return {
    ffmpegPath: paths.ffmpeg,
    ffprobePath: paths.ffprobe,
    ...(host.kind === 'local' ? { cores: availableParallelism() } : {}),
    ffmpeg: run(paths.ffmpeg),
    ffprobe: run(paths.ffprobe),
  };
}

/** ffmpeg and ffprobe on this machine, outside any node (benchmarks, tests, tools). */
export function localMediaTools(): MediaTools {
  return mediaTools({ kind: 'local', exec: runLocal });
}
