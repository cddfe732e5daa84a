import type { Dataset } from '../types.ts';

/** The distinct videos of a dataset's rows, given the video of each row under its key of `Dataset.rows`. */
export function videoCounts(videosByKey: Readonly<Record<string, Iterable<string>>>): Dataset['videos'] {
  const keysOf = new Map<string, number>();
  const byKey: Record<string, number> = {};
  for (const [key, videoIds] of Object.entries(videosByKey)) {
    const distinct = new Set(videoIds);
    byKey[key] = distinct.size;
    for (const videoId of distinct) keysOf.set(videoId, (keysOf.get(videoId) ?? 0) + 1);
  }
  const shared = [...keysOf.values()].filter((keys) => keys > 1).length;
  return { total: keysOf.size, byKey, shared };
}
