import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { z } from 'zod';
import { defineOnceNode, RecordType, type FingerprintContext, type JsonObject } from '../../sdk/index.ts';
import { VideoFileType, VideoType, type Video, type VideoFile } from '../types.ts';
import { looksLikeVideo } from './container-sniff.ts';
import { HASHES_AT_ONCE, mapBounded, mapBoundedInOrder, probesAtOnce, probeToolOf, readVideoFile } from './file-reading.ts';

const config = z
  .object({
    folder: z.string().optional().meta({ description: 'Folder searched for videos with `glob`. Leave empty to list `paths` instead.', 'x-kind': 'path' }),
    glob: z
      .string()
      .min(1)
      .default('**/*.{mp4,mkv,webm,mov,avi}')
      .meta({ description: 'Pattern of the video files under `folder` (`**` for any depth, `{a,b}` for alternatives).' }),
    paths: z.array(z.string().min(1)).default([]).meta({ description: 'Video files to read, when no `folder` is given.' }),
  })
  .refine((c) => Boolean(c.folder) !== c.paths.length > 0, { message: 'give either `folder` or `paths` (exactly one of them)', path: ['folder'] });
type Config = z.output<typeof config>;

/** The files the config names, as absolute paths in a stable order. */
async function matchedFiles({ folder, glob: pattern, paths }: Config): Promise<string[]> {
  if (!folder) return [...new Set(paths.map((p) => resolve(p)))];
  const root = resolve(folder);
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new Error(`${root} is not a folder`);
  const files = await glob(pattern, { cwd: root, absolute: true, onlyFiles: true, caseSensitiveMatch: false });
  return files.sort();
}

/** Each file's content hash (memoised by path, size and mtime), undefined for a file that cannot be read. */
function hashFiles(ctx: Pick<FingerprintContext, 'storage' | 'signal'>, files: readonly string[]) {
  return mapBounded(files, HASHES_AT_ONCE, ctx.signal, async (path) => ({
    path,
    id: await ctx.storage.fileHash(path, ctx.signal).catch((error: unknown): undefined => {
      if (ctx.signal.aborted) throw error;
      return undefined;
    }),
  }));
}

export const videoSource = defineOnceNode({
  type: 'rewatch.video-source',
  // 2: the `files` output (a cached version-1 output has none).
  version: 2,
  migrations: { 1: (c) => c },
  streamsOutput: true,
  title: 'Video source',
  category: 'Video',
  description:
    'Lists video files (a folder and pattern, or a list of paths), reads their ffprobe metadata and content hash. ' +
    'A file ffprobe cannot read (corrupt, unsupported, no video stream) goes to `rejected` with ffprobe’s message ' +
    'and a warning in the log, since a source has no items of its own to fail. Re-runs when a matched file is added or changed. ' +
    'Files are probed and hashed several at a time; the output keeps the files’ order, and each video reaches the ' +
    'nodes after it as soon as it and every file before it are read. A file’s ffprobe reading is kept in the data ' +
    'dir by content hash, so a folder with one new file probes that file only.',
  inputs: {},
  outputs: {
    files: {
      type: VideoFileType,
      description:
        'Every matched file, `{id, path}` with `id` its content hash, copies once, but for files whose first bytes ' +
        'cannot begin a video (empty, an error page): complete before any file is probed, so a split ranking the ' +
        'videos need not wait for them. A file ffprobe then rejects (a truncated video) is still listed here.',
    },
    videos: { type: VideoType, description: 'One item per readable video; `id` is the content hash, so copies appear once.' },
    rejected: { type: RecordType, description: '`{path, error}` for each file that could not be read, or that repeats a file already listed.' },
  },
  config,
  async fingerprint(ctx, c) {
    const files = await matchedFiles(c);
    // A listed file that cannot be read is rejected by `execute`; here it only needs a value that changes once it can.
    const hashes = await hashFiles(ctx, files);
    return Object.fromEntries(hashes.map(({ path, id }) => [`file:${path}`, id ?? 'unreadable']));
  },
  async execute(ctx, _inputs, c) {
    const files = await matchedFiles(c);
    // The fingerprint hashed every file already: these are lookups. A file that cannot be hashed, or whose first bytes
    // cannot begin a video, is left out (and rejected below, when it is read).
    const sniffed = await mapBounded(await hashFiles(ctx, files), HASHES_AT_ONCE, ctx.signal, async (file) => ({
      ...file,
      video: await looksLikeVideo(file.path).catch(() => false),
    }));
    const listed = new Set<string>();
    const matched: VideoFile[] = [];
    for (const { path, id, video } of sniffed) {
      if (id === undefined || !video || listed.has(id)) continue;
      listed.add(id);
      matched.push({ id, path });
    }
    const probeTool = await probeToolOf(ctx);
    let read = 0;
    ctx.progress.update(0, files.length);
    const readings = mapBoundedInOrder(files, probesAtOnce(ctx.media.cores), ctx.signal, async (path) => {
      const reading = await readVideoFile(ctx, path, probeTool);
      ctx.progress.update(++read, files.length);
      return reading;
    });
    // In the files' order, whatever order they were read in: the first of two copies is listed, the other rejected.
    const rejected: JsonObject[] = [];
    const firstPathOf = new Map<string, string>();
    const reject = (path: string, error: string) => {
      ctx.log.warn(`${path}: ${error}`);
      rejected.push({ path, error });
    };
    async function* videos(): AsyncGenerator<Video> {
      for await (const reading of readings) {
        if ('error' in reading) {
          reject(reading.path, reading.error);
          continue;
        }
        const first = firstPathOf.get(reading.video.hash);
        if (first !== undefined) {
          reject(reading.path, `same content as ${first}`);
          continue;
        }
        firstPathOf.set(reading.video.hash, reading.path);
        yield reading.video;
      }
    }
    // Written in this order: `files` before any probe, `rejected` complete once `videos` is.
    return { files: matched, videos: videos(), rejected };
  },
});
