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
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../../support/run-fingerprint.ts';
import { until } from '../../support/until.ts';
import { distinctVideos } from '../../support/videos.ts';
import { graph, openVideoEngine } from './helpers.ts';

const COUNT = 8;
/** The file whose probe is held: the five readable videos before it may go on, nothing after it. */
const HELD = 5;
const BEFORE_HELD = 5;

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

  const fingerprintOf = async (engine: Engine, runId: string, dataDir: string) => ({
    fingerprint: await runFingerprint(engine, await engine.getRun(runId), ['src', 'keep']),
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

  /** Starts a streaming run and waits until `keep` finished the videos before the held one. */
  const startHeld = async (engine: Engine) => {
    const events: RunEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const { runId } = await engine.startRun({ graph: sourceGraph() });
    const latest = <T extends RunEvent['type']>(type: T, nodeId: string) =>
      events.findLast((e): e is Extract<RunEvent, { type: T }> => e.type === type && e.runId === runId && 'nodeId' in e && e.nodeId === nodeId);
    await until(() => (latest('node-progress', 'keep')?.done ?? 0) >= BEFORE_HELD, () => `keep to finish ${BEFORE_HELD} videos, got ${JSON.stringify(latest('node-progress', 'keep'))}`);
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
});
