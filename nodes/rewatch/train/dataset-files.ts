import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeAtomically, type ItemCollection, type NodeContext } from '../../sdk/index.ts';

import type { Dataset } from '../types.ts';

/** The one dataset of `format` among an export node's outputs. */
export function datasetOf(datasets: ItemCollection<Dataset>, format: Dataset['format']): Dataset {
  const found = Array.from(datasets).filter((d) => d.format === format);
  if (found.length !== 1) {
    const formats = Array.from(datasets, (d) => d.format).join(', ') || 'none';
    throw new Error(`expected one ${format} dataset on the input, got ${found.length} (formats: ${formats})`);
  }
  return found[0]!;
}

export function fileNamed(dataset: Dataset, test: (name: string) => boolean, what: string): string {
  const file = dataset.files.find((f) => test(basename(f.path)));
  if (!file) throw new Error(`the ${dataset.format} dataset has no ${what} (files: ${dataset.files.map((f) => f.path).join(', ')})`);
  return file.path;
}

type Row = Record<string, unknown> & { videos?: unknown };

/**
 * A copy of a data file (a JSON array, or JSON lines when `jsonLines`) in the node's work dir whose `videos` paths are
 * the host's: each video is made available there with `ensureFile` (uploaded once per content hash; on this machine
 * the path stays as it is).
 */
export async function withHostVideos(ctx: NodeContext, path: string, jsonLines: boolean): Promise<string> {
  const text = await readFile(path, 'utf8');
  const rows: Row[] = jsonLines
    ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row)
    : (JSON.parse(text) as Row[]);
  const placed = new Map<string, Promise<string>>();
  const place = (video: unknown): Promise<unknown> => {
    if (Array.isArray(video)) return Promise.all(video.map(place)); // a video given as its frames
    if (typeof video !== 'string') return Promise.resolve(video);
    const local = video.replace(/^file:\/\//, '');
    let remote = placed.get(local);
    if (!remote) placed.set(local, (remote = ctx.host.ensureFile(local, { signal: ctx.signal })));
    return remote;
  };
  const out = [];
  for (const row of rows) out.push(Array.isArray(row.videos) ? { ...row, videos: await Promise.all(row.videos.map(place)) } : row);
  const target = join(ctx.storage.workDir, basename(path));
  const body = jsonLines ? out.map((r) => `${JSON.stringify(r)}\n`) : [`${JSON.stringify(out)}\n`];
  await writeAtomically(target, body, out.length, ctx.signal);
  ctx.log.info(`${out.length} rows, ${placed.size} videos on ${ctx.host.name}`);
  return target;
}
