/**
 * The video source keeps each file's ffprobe reading in the data dir by content hash: a folder with one new file
 * re-runs the source (its key changed) but probes only the new file. A file ffprobe rejects is probed again each run,
 * since its failure may pass (a file still being copied). ffprobe is the real one behind a wrapper that logs each
 * probed path (test/support/fake-tools/ffprobe-gate).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../../main/media/ffmpeg.ts';
import type { Video } from '../../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { distinctVideos, randomBytesVideo } from '../../support/videos.ts';
import { graph, openVideoEngine, outputOf } from './helpers.ts';

describe('the video source remembering its probes', () => {
  let dir: ReturnType<typeof tempDir>;
  let folder: string;
  let log: string;
  const savedEnv = { ...process.env };
  const sourceGraph = () => graph([{ id: 'src', type: 'rewatch.video-source', config: { folder } }], []);
  /** The paths probed since the last call. */
  const probed = () => {
    const paths = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    rmSync(log, { force: true });
    return paths.sort();
  };

  beforeAll(() => {
    dir = tempDir('rewatch-probe-memory-');
    folder = join(dir.path, 'library');
    log = join(dir.path, 'probes.log');
    process.env.REAL_FFPROBE = resolveFfmpeg().ffprobe;
    process.env.FFPROBE_BIN = resolve('test/support/fake-tools/ffprobe-gate');
    process.env.FFPROBE_GATES = join(dir.path, 'no-gates');
    process.env.FFPROBE_LOG = log;
  });
  afterAll(() => {
    process.env = savedEnv;
    dir?.remove();
  });

  it('probes only the file added since the last run, and lists what a fresh data dir lists', async () => {
    const [first, second, third, added] = distinctVideos(join(dir.path, 'made'), 4, 2);
    mkdirSync(folder);
    const inFolder = [first!, second!, third!].map((path, i) => {
      const copy = join(folder, `clip-${i}.mp4`);
      copyFileSync(path, copy);
      return copy;
    });
    const noise = randomBytesVideo(folder);
    const engine = openVideoEngine(join(dir.path, 'data'));
    try {
      const before = await runToEnd(engine, sourceGraph());
      expect(before.status).toBe('done');
      expect(probed()).toEqual([...inFolder, noise].sort());

      const newFile = join(folder, 'clip-3.mp4');
      copyFileSync(added!, newFile);
      const after = await runToEnd(engine, sourceGraph());
      expect(after.nodes.find((n) => n.nodeId === 'src')?.state).toBe('done');
      expect(probed()).toEqual([newFile, noise].sort());

      const fresh = openVideoEngine(join(dir.path, 'fresh'));
      try {
        const again = await runToEnd(fresh, sourceGraph());
        for (const port of ['videos', 'files']) {
          expect(await outputOf<Video>(engine, after.runId, 'src', port), port).toEqual(await outputOf<Video>(fresh, again.runId, 'src', port));
        }
        // ffprobe's message names a memory address, which differs from one process to the next.
        const rejectedPaths = async (on: typeof engine, runId: string) => (await outputOf<{ path: string }>(on, runId, 'src', 'rejected')).map((r) => r.path);
        expect(await rejectedPaths(engine, after.runId)).toEqual([noise]);
        expect(await rejectedPaths(fresh, again.runId)).toEqual([noise]);
        expect((await outputOf<Video>(fresh, again.runId, 'src', 'videos')).map((v) => v.path)).toEqual([...inFolder, newFile]);
      } finally {
        await fresh.close();
      }
    } finally {
      await engine.close();
    }
  });
});
