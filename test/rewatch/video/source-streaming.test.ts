/**
 * The video source streams its output: each video reaches the map nodes after it as soon as it and every file before
 * it are probed, and the run stores exactly what a barrier run stores. A fake ffprobe (test/support/fake-tools/
 * ffprobe-gate) holds the probe of one file until the test lets it go, so "while the source still runs" is a state.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../main/api/contract.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import { resolveFfmpeg } from '../../../main/media/ffmpeg.ts';
import { profile, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../../support/run-fingerprint.ts';
import { until } from '../../support/until.ts';
import { distinctVideos } from '../../support/videos.ts';
import { assignVideos } from '../../../nodes/rewatch/split/assign.ts';
import { graph, openVideoEngine } from './helpers.ts';

const COUNT = 8;
/** The file whose probe is held: the five readable videos before it may go on, nothing after it. */
const HELD = 5;
const BEFORE_HELD = 5;
/** The segmenter's profile, for its validation: in scene-change mode no request goes to it (a closed port). */
const UNUSED_SEGMENTER = [profile('segmenter-vlm', 'http://127.0.0.1:9/v1')];

/** Lets a held probe go: opening a FIFO for writing without blocking succeeds only once the probe waits on it. */
function letGo(gate: string): boolean {
  let fd: number;
  try {
    fd = openSync(gate, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw error;
  }
  writeSync(fd, 'go\n');
  closeSync(fd);
  return true;
}

describe('rewatch.video-source streaming its videos', () => {
  let dir: ReturnType<typeof tempDir>;
  let folder: string;
  let gates: string;
  let videos: string[];
  const savedEnv = { ...process.env };
  let barrier: { fingerprint: unknown; itemKeys: string[] };

  // source → keep (a filter keeping every video): a map node reading the source's `videos`.
  const sourceGraph = () =>
    graph(
      [
        { id: 'src', type: 'rewatch.video-source', config: { folder } },
        { id: 'keep', type: 'core.filter', config: { field: 'fps', operator: 'equals', value: 5 } },
      ],
      [['src.videos', 'keep.items']],
    );

  // source → segment → split, the split ranking the source's `files`: a side input it takes whole.
  const splitGraph = () =>
    graph(
      [
        { id: 'src', type: 'rewatch.video-source', config: { folder } },
        // Scene changes only: the profile it names is never asked.
        { id: 'segment', type: 'rewatch.segmenter', config: { mode: 'scene-change' } },
        { id: 'split', type: 'rewatch.split', config: {} },
      ],
      [
        ['src.videos', 'segment.videos'],
        ['segment.segments', 'split.items'],
        ['src.files', 'split.videos'],
      ],
    );

  const fingerprintOf = async (engine: Engine, runId: string, dataDir: string, nodeIds = ['src', 'keep']) => ({
    fingerprint: await runFingerprint(engine, await engine.getRun(runId), nodeIds),
    itemKeys: itemKeys(dataDir),
  });

  /** Holds the probe of `file` until `release()`; `remove()` makes later probes of it go through. */
  const hold = (file: string) => {
    const gate = join(gates, `${basename(file)}.gate`);
    execFileSync('mkfifo', [gate]);
    return {
      release: () => until(() => letGo(gate), `the probe of ${file} to wait on its gate`),
      remove: () => rmSync(gate, { force: true }),
    };
  };

  /** Starts a streaming run and waits until `last` (a map node) finished the items of the videos before the held one. */
  const startHeld = async (engine: Engine, runGraph = sourceGraph(), last = 'keep') => {
    const events: RunEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const { runId } = await engine.startRun({ graph: runGraph });
    const latest = <T extends RunEvent['type']>(type: T, nodeId: string) =>
      events.findLast((e): e is Extract<RunEvent, { type: T }> => e.type === type && e.runId === runId && 'nodeId' in e && e.nodeId === nodeId);
    await until(() => (latest('node-progress', last)?.done ?? 0) >= BEFORE_HELD, () => `${last} to finish ${BEFORE_HELD} items, got ${JSON.stringify(latest('node-progress', last))}`);
    return { runId, latest };
  };

  beforeAll(async () => {
    dir = tempDir('rewatch-source-streaming-');
    folder = join(dir.path, 'library');
    gates = join(dir.path, 'gates');
    mkdirSync(gates);
    videos = distinctVideos(folder, COUNT, 2);
    // Copies sorted before and after the held file (not files ffprobe cannot read: its message names an address).
    copyFileSync(videos[1]!, join(folder, 'video-0002-copy.mp4'));
    copyFileSync(videos[0]!, join(folder, 'video-0006-copy.mp4'));
    process.env.REAL_FFPROBE = resolveFfmpeg().ffprobe;
    process.env.FFPROBE_BIN = resolve('test/support/fake-tools/ffprobe-gate');
    process.env.FFPROBE_GATES = gates;

    const dataDir = join(dir.path, 'barrier');
    const engine = openVideoEngine(dataDir);
    try {
      const run = await runToEnd(engine, sourceGraph(), { execution: 'barrier' });
      expect(run.status).toBe('done');
      barrier = await fingerprintOf(engine, run.runId, dataDir);
    } finally {
      await engine.close();
    }
  });
  afterAll(() => {
    process.env = savedEnv;
    dir?.remove();
  });

  it('hands each video to the filter after it while a later file is still being probed, and stores what a barrier run stores', async () => {
    const dataDir = join(dir.path, 'streaming');
    const engine = openVideoEngine(dataDir);
    const held = hold(videos[HELD]!);
    try {
      const { runId, latest } = await startHeld(engine);
      // The source is still running, held on a probe, and nothing past the held file has reached the filter.
      expect(latest('node-state', 'src')?.state).toBe('running');
      expect(latest('node-progress', 'keep')).toMatchObject({ done: BEFORE_HELD, available: BEFORE_HELD, total: null });

      await held.release();
      expect(await engine.waitForRun(runId)).toBe('done');
      expect(await fingerprintOf(engine, runId, dataDir)).toEqual(barrier);
      expect((barrier.fingerprint as Record<string, { outputs: { videos?: unknown[]; rejected?: unknown[] } }>).src!.outputs).toMatchObject({
        videos: { length: COUNT },
        rejected: [
          { path: join(folder, 'video-0002-copy.mp4'), error: `same content as ${videos[1]}` },
          { path: join(folder, 'video-0006-copy.mp4'), error: `same content as ${videos[0]}` },
        ],
      });
    } finally {
      held.remove();
      await engine.close();
    }
  });

  it('cancelled mid-stream, a new run reuses the videos the filter finished and ends as the barrier run', async () => {
    const dataDir = join(dir.path, 'cancelled');
    const engine = openVideoEngine(dataDir);
    const held = hold(videos[HELD]!);
    try {
      const { runId, latest } = await startHeld(engine);
      await engine.cancelRun(runId);
      expect(await engine.waitForRun(runId)).toBe('cancelled');
      expect(latest('node-state', 'src')?.state).toBe('cancelled');
      expect(latest('node-state', 'keep')?.state).toBe('cancelled');
      held.remove();

      const events: RunEvent[] = [];
      engine.subscribe((e) => events.push(e));
      const resumed = await runToEnd(engine, sourceGraph());
      expect(resumed.status).toBe('done');
      const progress = events.findLast((e) => e.type === 'node-progress' && e.runId === resumed.runId && e.nodeId === 'keep');
      expect(progress).toMatchObject({ done: COUNT, cached: BEFORE_HELD });
      expect(await fingerprintOf(engine, resumed.runId, dataDir)).toEqual(barrier);
    } finally {
      held.remove();
      await engine.close();
    }
  });

  it('lets a split rank the source’s files, complete before any probe, and split while a later file is still probed', async () => {
    const nodeIds = ['src', 'segment', 'split'];
    const barrierDir = join(dir.path, 'split-barrier');
    const barrierEngine = openVideoEngine(barrierDir, UNUSED_SEGMENTER);
    let expected: Awaited<ReturnType<typeof fingerprintOf>>;
    try {
      const run = await runToEnd(barrierEngine, splitGraph(), { execution: 'barrier' });
      expect(run.status).toBe('done');
      expected = await fingerprintOf(barrierEngine, run.runId, barrierDir, nodeIds);
    } finally {
      await barrierEngine.close();
    }

    const dataDir = join(dir.path, 'split-streaming');
    const engine = openVideoEngine(dataDir, UNUSED_SEGMENTER);
    const held = hold(videos[HELD]!);
    try {
      // One segment per two-second video: the split has placed the five videos before the held one, the source runs.
      const { runId, latest } = await startHeld(engine, splitGraph(), 'split');
      expect(latest('node-state', 'src')?.state).toBe('running');

      await held.release();
      expect(await engine.waitForRun(runId)).toBe('done');
      expect(await fingerprintOf(engine, runId, dataDir, nodeIds)).toEqual(expected);
      // Every distinct file by its hash, in the files' order; the split puts each video where their ranking says.
      const outputs = (expected.fingerprint as Record<string, { outputs: Record<string, Array<{ id?: string; videoId?: string }>> }>);
      const files = outputs.src!.outputs.files!;
      expect(files.map((f) => f.id)).toEqual(outputs.src!.outputs.videos!.map((v) => v.id));
      const ranked = assignVideos(files.map((f) => f.id!), 0, { sft: 0.5, rl: 0.4, heldOut: 0.1 });
      for (const split of ['sft', 'rl', 'heldOut'] as const) {
        for (const segment of outputs.split!.outputs[split]!) expect(ranked.get(segment.videoId!)).toBe(split);
      }
    } finally {
      held.remove();
      await engine.close();
    }
  });

  it('in a sample run, samples the same videos from `files` and `videos`, so the split places every item', async () => {
    const engine = openVideoEngine(join(dir.path, 'split-sample'), UNUSED_SEGMENTER);
    try {
      const run = await runToEnd(engine, splitGraph(), { sample: { n: 3, seed: 7 } });
      expect(run.status).toBe('done');
      const rows = async (nodeId: string, port: string) => (await engine.nodeOutput(run.runId, nodeId, port, { limit: 100 })).items.map((i) => i.data as { id?: string; videoId?: string });
      const sampled = (await rows('src', 'videos')).map((v) => v.id);
      expect(sampled).toHaveLength(3);
      expect((await rows('src', 'files')).map((f) => f.id)).toEqual(sampled);
      const placed = [...(await rows('split', 'sft')), ...(await rows('split', 'rl')), ...(await rows('split', 'heldOut'))];
      expect(placed.map((segment) => segment.videoId).sort()).toEqual([...sampled].sort());
      expect(run.nodes.find((n) => n.nodeId === 'split')?.itemsFailed).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
