import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import type { Segment } from '../../../nodes/rewatch/types.ts';
import { profile, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { LONG_DURATION, longVideo, shortVideo } from '../../support/videos.ts';
import { changeTimes, promptText, seenFrames, userParts } from '../../support/scripted-model.ts';
import { graph, openVideoEngine, outputOf } from './helpers.ts';

let videos: ReturnType<typeof tempDir>;
let shortPath: string;
let longPath: string;
beforeAll(() => {
  videos = tempDir('rewatch-segmenter-videos-');
  shortPath = shortVideo(videos.path);
  longPath = longVideo(videos.path);
});
afterAll(() => videos.remove());

const segmenterGraph = (paths: string[], config: Record<string, unknown>) =>
  graph(
    [
      { id: 'src', type: 'rewatch.video-source', config: { paths } },
      { id: 'seg', type: 'rewatch.segmenter', config: { maxErrorRatio: 1, ...config } },
    ],
    [['src.videos', 'seg.videos']],
  );

/** Segment edges as [start, end, reason]. */
const spans = (segments: Segment[]) => segments.map((s) => [s.start, s.end, s.reason]);

function expectContiguous(segments: Segment[], duration: number): void {
  expect(segments[0]!.start).toBe(0);
  expect(segments.at(-1)!.end).toBe(duration);
  segments.slice(1).forEach((s, i) => expect(s.start).toBe(segments[i]!.end));
  segments.forEach((s, i) => expect(s.index).toBe(i));
}

describe('rewatch.segmenter', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;
  /** How the scripted VLM answers; by default it looks at the frames and names the times where the picture changes. */
  let answer: (request: ScriptedChatRequest) => string;
  const vlmBoundaries: number[][] = [];

  /** Like a model: reads the frames, checks how they are laid out, and cuts where what it sees changes. */
  const lookAndCut = (request: ScriptedChatRequest) => {
    const parts = userParts(request);
    const frames = seenFrames(parts);
    const prompt = promptText(parts);
    if (!prompt.includes('{"boundaries"') || !prompt.includes(`${frames.length} frames`)) throw new Error(`unexpected prompt: ${prompt}`);
    const boundaries = changeTimes(frames);
    vlmBoundaries.push(boundaries);
    return JSON.stringify({ boundaries });
  };

  beforeEach(async () => {
    dir = tempDir();
    vlmBoundaries.length = 0;
    answer = lookAndCut;
    server = await startScriptedLlmServer({ respond: (request) => answer(request) });
    engine = openVideoEngine(join(dir.path, 'data'), [profile('segmenter-vlm', server.baseURL, { maxRetries: 1 })]);
  });
  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('passes a video up to the threshold whole, without asking the model', async () => {
    const run = await runToEnd(engine, segmenterGraph([shortPath], {}));
    const segments = await outputOf<Segment>(engine, run.runId, 'seg', 'segments');
    expect(spans(segments)).toEqual([[0, 12, 'whole']]);
    expect(segments[0]).toMatchObject({ videoPath: shortPath, videoDuration: 12, index: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('splits the 23-minute video at a boundary the VLM chose from 256 evenly spread, timestamped frames', async () => {
    const run = await runToEnd(engine, segmenterGraph([longPath], {}));
    expect(run.status).toBe('done');
    expect(server.requests).toHaveLength(1);

    const frames = seenFrames(userParts(server.requests[0]!));
    // 1380 s at 0.2 fps would be 276 frames: capped at 256, spread over the whole video.
    expect(frames).toHaveLength(256);
    expect(frames[0]!.time).toBe(0);
    expect(frames.at(-1)!.time).toBeGreaterThan(LONG_DURATION - 10);
    expect(promptText(userParts(server.requests[0]!))).toContain('lasts 23:00 (1380 seconds)');
    // The model saw the seven colour changes (each within one sampling step of the true cut).
    expect(vlmBoundaries[0]).toHaveLength(7);

    const segments = await outputOf<Segment>(engine, run.runId, 'seg', 'segments');
    expectContiguous(segments, LONG_DURATION);
    const nearestToMiddle = vlmBoundaries[0]!.reduce((a, b) => (Math.abs(b - 690) < Math.abs(a - 690) ? b : a));
    expect(nearestToMiddle).toBeGreaterThanOrEqual(700);
    expect(nearestToMiddle).toBeLessThan(706);
    expect(spans(segments)).toEqual([
      [0, nearestToMiddle, 'semantic'],
      [nearestToMiddle, LONG_DURATION, 'semantic'],
    ]);
  });

  it('splits at ffmpeg scene changes in scene-change mode, with no model', async () => {
    const run = await runToEnd(engine, segmenterGraph([longPath], { mode: 'scene-change' }));
    const segments = await outputOf<Segment>(engine, run.runId, 'seg', 'segments');
    expect(spans(segments)).toEqual([
      [0, 700, 'scene-change'],
      [700, LONG_DURATION, 'scene-change'],
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('aims at the target length: 5-minute segments of the same video, each between 2.5 and 7.5 minutes', async () => {
    const run = await runToEnd(engine, segmenterGraph([longPath], { mode: 'scene-change', targetSec: 300, thresholdSec: 300 }));
    const segments = await outputOf<Segment>(engine, run.runId, 'seg', 'segments');
    expectContiguous(segments, LONG_DURATION);
    // round(1380 / 300) = 5 segments, aimed at 276, 552, 828 and 1104 s, each snapped to the nearest colour change.
    expect(segments.map((s) => s.end)).toEqual([370, 545, 880, 1060, LONG_DURATION]);
    for (const s of segments) expect(s.end - s.start).toBeGreaterThanOrEqual(150);
    for (const s of segments) expect(s.end - s.start).toBeLessThanOrEqual(450);
  });

  it('falls back to scene changes when the VLM reply is not JSON even after the repair request', async () => {
    answer = () => 'The video shows several coloured scenes.';
    const warnings: string[] = [];
    engine.subscribe((e) => e.type === 'node-log' && e.level === 'warn' && warnings.push(e.message));
    const run = await runToEnd(engine, segmenterGraph([longPath], {}));
    expect(server.requests).toHaveLength(2);
    expect(spans(await outputOf<Segment>(engine, run.runId, 'seg', 'segments'))).toEqual([
      [0, 700, 'scene-change'],
      [700, LONG_DURATION, 'scene-change'],
    ]);
    expect(warnings.join('\n')).toContain('the VLM segmentation failed');
    expect(warnings.join('\n')).toContain('its reply: "The video shows several coloured scenes."');
  });

  it('falls back to scene changes when the VLM boundaries are all outside the video', async () => {
    answer = () => '{"boundaries": [0, 5000]}';
    const run = await runToEnd(engine, segmenterGraph([longPath], {}));
    expect(spans(await outputOf<Segment>(engine, run.runId, 'seg', 'segments'))).toEqual([
      [0, 700, 'scene-change'],
      [700, LONG_DURATION, 'scene-change'],
    ]);
  });

  it('cuts at the target when neither the VLM nor scene detection has a boundary near it', async () => {
    // The short video changes colour at 4 s and 9 s; with a 10 s target, the cut must fall in [5 s, 7 s].
    answer = () => '{"boundaries": [4, 9]}';
    const run = await runToEnd(engine, segmenterGraph([shortPath], { thresholdSec: 10, targetSec: 10 }));
    expect(spans(await outputOf<Segment>(engine, run.runId, 'seg', 'segments'))).toEqual([
      [0, 6, 'fixed'],
      [6, 12, 'fixed'],
    ]);
  });

  it('gives the same segment ids when a video is segmented again', async () => {
    const ids = async (runId: string) => (await outputOf<Segment>(engine, runId, 'seg', 'segments')).map((s) => s.id);
    const first = await runToEnd(engine, segmenterGraph([longPath], { mode: 'scene-change' }));
    const second = await runToEnd(engine, segmenterGraph([longPath], { mode: 'scene-change' }), { noCache: true });
    expect(second.nodes.find((n) => n.nodeId === 'seg')!.state).toBe('done');
    expect(await ids(second.runId)).toEqual(await ids(first.runId));
    expect(new Set(await ids(first.runId)).size).toBe(2);
  });
});
