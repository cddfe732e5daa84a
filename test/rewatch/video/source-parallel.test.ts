import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Video } from '../../../nodes/rewatch/types.ts';
import { mapBounded } from '../../../nodes/rewatch/video/file-reading.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { distinctVideos, randomBytesVideo, truncatedVideo } from '../../support/videos.ts';
import { graph, openVideoEngine, outputOf } from './helpers.ts';

/** A promise settled from outside, so a test decides the order calls finish in. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every already-settled promise's handlers run, so queued calls get their chance to start. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('mapBounded', () => {
  it('keeps the items’ order when the calls finish in reverse, and never runs more than the bound at once', async () => {
    const gates = Array.from({ length: 9 }, () => deferred<void>());
    const started: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const result = mapBounded([0, 1, 2, 3, 4, 5, 6, 7, 8], 3, new AbortController().signal, async (n) => {
      started.push(n);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await gates[n]!.promise;
      running--;
      return `item ${n}`;
    });
    // Release whatever runs, the latest-started first, until all nine have run.
    const released = new Set<number>();
    while (released.size < 9) {
      await settle();
      const newest = started.filter((n) => !released.has(n)).at(-1)!;
      released.add(newest);
      gates[newest]!.resolve();
    }
    expect(await result).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `item ${n}`));
    expect(mostAtOnce).toBe(3);
    expect(started.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('on abort, starts nothing more and throws the signal’s reason', async () => {
    const controller = new AbortController();
    const gate = deferred<void>();
    const started: number[] = [];
    const result = mapBounded([0, 1, 2, 3, 4, 5], 2, controller.signal, async (n) => {
      started.push(n);
      await gate.promise;
      return n;
    });
    await settle();
    controller.abort(new Error('cancelled by the user'));
    gate.resolve();
    await expect(result).rejects.toThrow('cancelled by the user');
    await settle();
    expect(started).toEqual([0, 1]);
  });
});

describe('rewatch.video-source over many files', () => {
  const COUNT = 24;
  let dir: ReturnType<typeof tempDir>;
  let folder: string;
  let videos: string[];
  beforeAll(() => {
    dir = tempDir('rewatch-source-many-');
    folder = join(dir.path, 'library');
    videos = distinctVideos(folder, COUNT, 2);
    // Broken files among the good ones, named to sort between them: the output order is the files' order.
    copyFileSync(randomBytesVideo(dir.path), join(folder, 'video-0005-noise.mp4'));
    copyFileSync(truncatedVideo(dir.path), join(folder, 'video-0017-truncated.mp4'));
    copyFileSync(videos[3]!, join(folder, 'video-0021-copy.mp4'));
  });
  afterAll(() => dir?.remove());

  it('lists every readable video in the files’ order with its own metadata and hash, and rejects each broken file by name', async () => {
    const engine = openVideoEngine(join(dir.path, 'data'));
    try {
      const warnings: string[] = [];
      engine.subscribe((e) => e.type === 'node-log' && e.level === 'warn' && warnings.push(e.message));
      const run = await runToEnd(engine, graph([{ id: 'src', type: 'rewatch.video-source', config: { folder } }], []));
      expect(run.status).toBe('done');

      const expected = videos.map((path) => {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
        return { id: hash, hash, path, duration: 2, fps: 5, width: 32, height: 24, sizeBytes: statSync(path).size };
      });
      expect(await outputOf<Video>(engine, run.runId, 'src', 'videos')).toEqual(expected);
      const rejected = [
        { path: join(folder, 'video-0005-noise.mp4'), error: expect.stringContaining('Invalid data found when processing input') },
        { path: join(folder, 'video-0017-truncated.mp4'), error: expect.stringContaining('moov atom not found') },
        { path: join(folder, 'video-0021-copy.mp4'), error: `same content as ${videos[3]}` },
      ];
      expect(await outputOf(engine, run.runId, 'src', 'rejected')).toEqual(rejected);
      expect(warnings).toEqual(rejected.map(({ path }) => expect.stringContaining(path)));
    } finally {
      await engine.close();
    }
  });
});
