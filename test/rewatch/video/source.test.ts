import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import type { Video } from '../../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { LONG_DURATION, longVideo, otherShortVideo, randomBytesVideo, shortVideo, truncatedVideo } from '../../support/videos.ts';
import { graph, openVideoEngine, outputOf } from './helpers.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sourceGraph = (config: Record<string, unknown>) => graph([{ id: 'src', type: 'rewatch.video-source', config }], []);

let videos: ReturnType<typeof tempDir>;
let folder: string;
beforeAll(() => {
  videos = tempDir('rewatch-source-videos-');
  folder = join(videos.path, 'library');
  mkdirSync(join(folder, 'nested'), { recursive: true });
  copyFileSync(shortVideo(videos.path), join(folder, 'a-short.mp4'));
  copyFileSync(longVideo(videos.path), join(folder, 'nested', 'b-long.MP4'));
  copyFileSync(randomBytesVideo(videos.path), join(folder, 'c-noise.mp4'));
  copyFileSync(truncatedVideo(videos.path), join(folder, 'd-truncated.mp4'));
  copyFileSync(shortVideo(videos.path), join(folder, 'e-copy-of-short.mkv'));
  copyFileSync(shortVideo(videos.path), join(folder, 'notes.txt'));
});
afterAll(() => videos.remove());

describe('rewatch.video-source', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  beforeEach(() => {
    dir = tempDir();
    engine = openVideoEngine(join(dir.path, 'data'));
  });
  afterEach(async () => {
    await engine.close();
    dir.remove();
  });

  it('lists the videos of a folder with their metadata and content hash, and rejects what ffprobe cannot read', async () => {
    const warnings: string[] = [];
    engine.subscribe((e) => e.type === 'node-log' && e.level === 'warn' && warnings.push(e.message));
    const run = await runToEnd(engine, sourceGraph({ folder }));
    expect(run.status).toBe('done');

    const listed = await outputOf<Video>(engine, run.runId, 'src', 'videos');
    const short = join(folder, 'a-short.mp4');
    const long = join(folder, 'nested', 'b-long.MP4');
    expect(listed).toEqual([
      { id: sha256(short), hash: sha256(short), path: short, duration: 12, fps: 5, width: 64, height: 48, sizeBytes: statSync(short).size },
      { id: sha256(long), hash: sha256(long), path: long, duration: LONG_DURATION, fps: 1, width: 32, height: 24, sizeBytes: statSync(long).size },
    ]);

    const rejected = await outputOf<{ path: string; error: string }>(engine, run.runId, 'src', 'rejected');
    expect(rejected).toEqual([
      { path: join(folder, 'c-noise.mp4'), error: expect.stringContaining('Invalid data found when processing input') },
      { path: join(folder, 'd-truncated.mp4'), error: expect.stringContaining('moov atom not found') },
      { path: join(folder, 'e-copy-of-short.mkv'), error: `same content as ${short}` },
    ]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('c-noise.mp4');
  });

  it('reads a list of paths instead of a folder, rejecting a missing one', async () => {
    const other = otherShortVideo(videos.path);
    const missing = join(videos.path, 'missing.mp4');
    const run = await runToEnd(engine, sourceGraph({ paths: [other, missing] }));
    const [video] = await outputOf<Video>(engine, run.runId, 'src', 'videos');
    expect(video).toMatchObject({ id: sha256(other), duration: 6, fps: 5 });
    expect(await outputOf(engine, run.runId, 'src', 'rejected')).toEqual([
      { path: missing, error: expect.stringMatching(/no such file or directory/i) },
    ]);
  });

  it('fails when the folder does not exist', async () => {
    const run = await runToEnd(engine, sourceGraph({ folder: join(videos.path, 'nowhere') }));
    expect(run.status).toBe('failed');
    expect(run.nodes[0]!.error).toContain('nowhere is not a folder');
  });

  it('re-runs when a matched file is added, and only then', async () => {
    const watched = join(dir.path, 'watched');
    mkdirSync(watched);
    copyFileSync(shortVideo(videos.path), join(watched, 'one.mp4'));
    const config = { folder: watched, glob: '*.mp4' };
    await runToEnd(engine, sourceGraph(config));
    expect((await runToEnd(engine, sourceGraph(config))).nodes[0]!.state).toBe('cached');

    copyFileSync(otherShortVideo(videos.path), join(watched, 'two.mp4'));
    const [explanation] = await engine.explain(sourceGraph(config), 'src');
    expect(explanation!.changes).toEqual([expect.objectContaining({ kind: 'fingerprint', field: `file:${join(watched, 'two.mp4')}` })]);
    const rerun = await runToEnd(engine, sourceGraph(config));
    expect(rerun.nodes[0]).toMatchObject({ state: 'done', outputCounts: { videos: 2, rejected: 0 } });
  });

  it('refuses a config with both or neither of folder and paths', async () => {
    const both = await engine.validate(sourceGraph({ folder, paths: ['x.mp4'] }));
    const neither = await engine.validate(sourceGraph({}));
    expect(both.errors[0]?.message).toContain('either `folder` or `paths`');
    expect(neither.ok).toBe(false);
  });
});
