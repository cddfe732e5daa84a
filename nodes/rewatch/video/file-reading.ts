import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { isNonRegularFile, type FingerprintContext } from '../../sdk/index.ts';
import type { Video } from '../types.ts';
import { probeVideo } from './frames.ts';

/** A matched file as the video source read it: the video, or why it cannot be listed. */
export type FileReading = { readonly path: string; readonly video: Video } | { readonly path: string; readonly error: string };

/**
 * ffprobe spends most of a short video's probe loading its libraries and waiting on small reads, not computing, so a
 * few per core keep the cores busy (measured: one probe of a 4-second video is ~0.2 s of wall time for ~0.09 s of CPU).
 */
const PROBES_PER_CORE = 2;

/**
 * Hashing streams whole files: a few at once keep a disk's queue full without making a spinning disk seek between
 * many files, and without running out of file descriptors on a folder of 10,000 videos.
 */
export const HASHES_AT_ONCE = 4;

/** Probes at once for ffprobe on a machine of `cores` cores (this machine's when not known). */
export const probesAtOnce = (cores: number | undefined): number => (cores ?? availableParallelism()) * PROBES_PER_CORE;

/**
 * `read` over `items` with at most `concurrency` calls at once, yielding the results in the items' order: each as soon
 * as its call and those of every item before it are done, whatever order the calls finish in. When `signal` aborts,
 * calls not yet started are dropped and the signal's reason is thrown; when the caller stops early, so are they.
 */
export async function* mapBoundedInOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  read: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  signal.throwIfAborted();
  const limit = pLimit({ concurrency, rejectOnClear: true });
  const dropQueued = () => limit.clearQueue();
  signal.addEventListener('abort', dropQueued, { once: true });
  const results = items.map((item) => limit(() => read(item)));
  // Results past where the caller stopped are never awaited: their rejections (a dropped call) are expected.
  for (const result of results) result.catch(() => {});
  try {
    for (const result of results) yield await result;
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  } finally {
    signal.removeEventListener('abort', dropQueued);
    limit.clearQueue();
  }
}

/** `mapBoundedInOrder`'s results all at once. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  read: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for await (const result of mapBoundedInOrder(items, concurrency, signal, read)) results.push(result);
  return results;
}

/** Bumped when what a probe reads changes, so that readings kept by an earlier version are not reused. */
const PROBE_READING = 'ffprobe-reading:1';

/** Which ffprobe reads the files: its content hash, or its name when it cannot be read here. */
export async function probeToolOf(ctx: Pick<FingerprintContext, 'media' | 'storage' | 'signal'>): Promise<string> {
  const { ffprobePath } = ctx.media;
  return ctx.storage.fileHash(ffprobePath, ctx.signal).catch(() => ffprobePath);
}

/**
 * Reads one file: the content hash (memoised by path, size and mtime, so this is a lookup when the source's
 * fingerprint hashed the file already), then ffprobe's metadata, kept in the data dir by content hash and `probeTool`
 * (a folder with one new file probes that file only). Any failure is the file's rejection, never the node's, except a
 * cancel; a failed probe is not kept. The hash stays the whole file's sha256 rather than a fingerprint of sampled
 * blocks: it is the video's id and part of every downstream cache key, so two files differing anywhere must never
 * share it.
 */
export async function readVideoFile(
  ctx: Pick<FingerprintContext, 'media' | 'storage' | 'signal'>,
  path: string,
  probeTool: string,
): Promise<FileReading> {
  try {
    if (await isNonRegularFile(path)) return { path, error: 'not a regular file' };
    const hash = await ctx.storage.fileHash(path, ctx.signal);
    const info = await ctx.storage.remember(`${PROBE_READING}:${probeTool}:${hash}`, () => probeVideo(ctx.media, path, ctx.signal));
    const { size } = await stat(path);
    return { path, video: { id: hash, path, hash, ...info, sizeBytes: size } };
  } catch (error) {
    ctx.signal.throwIfAborted();
    return { path, error: (error as Error).message };
  }
}
