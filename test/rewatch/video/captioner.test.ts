import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { formatTimestamp, parseTimestamp } from '../../../nodes/rewatch/timecode.ts';
import type { DenseCaption, Segment } from '../../../nodes/rewatch/types.ts';
import { profile, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { captionFrames, promptText, seenFrames, userParts } from '../../support/scripted-model.ts';
import { ffprobeDuration, LONG_DURATION, longVideo, otherShortVideo, shortVideo } from '../../support/videos.ts';
import { graph, openVideoEngine, outputOf } from './helpers.ts';

let videos: ReturnType<typeof tempDir>;
let shortPath: string;
let otherPath: string;
let longPath: string;
beforeAll(() => {
  videos = tempDir('rewatch-captioner-videos-');
  shortPath = shortVideo(videos.path);
  otherPath = otherShortVideo(videos.path);
  longPath = longVideo(videos.path);
});
afterAll(() => videos.remove());

const captionGraph = (paths: string[], captioner: Record<string, unknown> = {}) =>
  graph(
    [
      { id: 'src', type: 'rewatch.video-source', config: { paths } },
      { id: 'seg', type: 'rewatch.segmenter', config: { mode: 'scene-change' } },
      { id: 'cap', type: 'rewatch.captioner', config: { maxErrorRatio: 1, ...captioner } },
    ],
    [
      ['src.videos', 'seg.videos'],
      ['src.videos', 'cap.videos'],
      ['seg.segments', 'cap.segments'],
    ],
  );

/** The clip's length and part number as the prompt states them. */
function clipOf(request: ScriptedChatRequest): { seconds: number; part: number } {
  const prompt = promptText(userParts(request));
  const match = /This is a (\d+:\d+) clip \(part (\d+) of \d+\)/.exec(prompt);
  if (!match) throw new Error(`unexpected prompt: ${prompt}`);
  return { seconds: parseTimestamp(match[1]!)!, part: Number(match[2]) };
}

/** `[MM:SS-MM:SS] text` lines back to relative seconds, as the test reads the model's reply. */
const relativeEvents = (reply: string) =>
  reply.split('\n').map((line) => {
    const [, a, b, text] = /^\[(\d+:\d+)-(\d+:\d+)\] (.*)$/.exec(line)!;
    return { start: parseTimestamp(a!)!, end: parseTimestamp(b!)!, text: text! };
  });

describe('rewatch.captioner', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let answer: (request: ScriptedChatRequest) => string | Promise<string>;
  /** The replies the scripted model gave, by part number. */
  let replies: Map<number, string>;

  /** Checks the frames are laid out as asked (count, relative labels), then describes them as the scripted VLM does. */
  const watchFrames = async (request: ScriptedChatRequest) => {
    const { seconds, part } = clipOf(request);
    const frames = seenFrames(userParts(request));
    const expected = Math.min(256, Math.round(seconds * 2));
    if (frames.length !== expected) throw new Error(`part ${part}: ${frames.length} frames for a ${seconds}s clip, expected ${expected}`);
    if (frames[0]!.time !== 0 || frames.at(-1)!.time > seconds) throw new Error(`part ${part}: frame labels are not relative to the clip`);
    const reply = await captionFrames(frames);
    replies.set(part, reply);
    return reply;
  };

  beforeEach(async () => {
    dir = tempDir();
    replies = new Map();
    answer = watchFrames;
    server = await startScriptedLlmServer({ respond: (request) => answer(request) });
    // The segmenter runs in scene-change mode and asks no model, but the graph still names its profile.
    const providers = ['captioner-vlm', 'segmenter-vlm'].map((name) => profile(name, server.baseURL, { maxRetries: 1 }));
    engine = openVideoEngine(join(dir.path, 'data'), providers);
  });
  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('captions a short video whole from 2 fps frames', async () => {
    const run = await runToEnd(engine, captionGraph([shortPath]));
    expect(run.status).toBe('done');
    expect(server.requests).toHaveLength(1);
    const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
    const sent = seenFrames(userParts(server.requests[0]!)).length;
    expect(sent).toBe(24);
    expect(caption!.sampling).toEqual([{ input: 'frames', segment: 0, start: 0, end: 12, configuredFps: 2, capped: false, frames: sent, fps: sent / 12 }]);
    expect(replies.get(1)).toBe(
      '[00:00-00:03] the screen shows plain red\n[00:04-00:08] the screen shows plain blue\n[00:09-00:11] a moving test pattern plays',
    );
    expect(caption).toMatchObject({ videoPath: shortPath, duration: 12, unparsed: [] });
    expect(caption!.events).toEqual([
      { start: 0, end: 3, text: 'the screen shows plain red', flags: [] },
      { start: 4, end: 8, text: 'the screen shows plain blue', flags: [] },
      { start: 9, end: 11, text: 'a moving test pattern plays', flags: [] },
    ]);
    expect(caption!.text).toBe(replies.get(1));
  });

  it('re-aligns each segment of the 23-minute video: global time = segment start + relative time (frameBudget cap)', async () => {
    const run = await runToEnd(engine, captionGraph([longPath], { frameBudget: 'cap' }));
    expect(run.status).toBe('done');
    const segments = await outputOf<Segment>(engine, run.runId, 'seg', 'segments');
    expect(segments.map((s) => [s.start, s.end])).toEqual([
      [0, 700],
      [700, LONG_DURATION],
    ]);
    expect(server.requests).toHaveLength(2);

    const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
    const expected = segments.flatMap((segment) =>
      relativeEvents(replies.get(segment.index + 1)!).map((e) => ({
        start: segment.start + e.start,
        end: segment.start + e.end,
        text: e.text,
        flags: [],
      })),
    );
    expect(caption!.events).toEqual(expected);
    // 1400 and 1360 frames at 2 fps: both segments capped at 256 frames.
    expect(caption!.sampling).toEqual(
      segments.map((s) => ({ input: 'frames', segment: s.index, start: s.start, end: s.end, configuredFps: 2, capped: true, frames: 256, fps: 256 / (s.end - s.start) })),
    );
    // Four colours before 700 s and four after; the second segment's first event starts at 700 s.
    expect(caption!.events).toHaveLength(8);
    expect(caption!.events[4]!.start).toBe(700);
    expect(caption!.text.split('\n')[4]).toMatch(/^\[11:40-/);
  });

  it('keeps the model’s order, flagging out-of-range and non-monotonic events and keeping unparsed lines', async () => {
    answer = () =>
      [
        '[00:00-00:03] a red screen',
        '[00:10-00:11] a moving test pattern',
        '[00:04-00:08] a blue screen',
        '[00:30-00:40] credits that are not in the clip',
        'Overall, the clip is colourful.',
      ].join('\n');
    const run = await runToEnd(engine, captionGraph([shortPath]));
    const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
    expect(caption!.events.map((e) => [e.start, e.text, e.flags])).toEqual([
      [0, 'a red screen', []],
      [10, 'a moving test pattern', []],
      [4, 'a blue screen', ['non-monotonic']],
      [30, 'credits that are not in the clip', ['out-of-range']],
    ]);
    expect(caption!.unparsed).toEqual([{ segment: 0, line: 'Overall, the clip is colourful.' }]);
    expect(caption!.text.split('\n')).toHaveLength(4);
  });

  it('fails the video whose segment reply has no caption line, keeping the raw text, and captions the others', async () => {
    const refusal = 'I am sorry, but I cannot describe these images.';
    answer = (request) => (clipOf(request).seconds === 6 ? refusal : watchFrames(request));
    const run = await runToEnd(engine, captionGraph([shortPath, otherPath]));
    expect(run.nodes.find((n) => n.nodeId === 'cap')).toMatchObject({ itemsFailed: 1, outputCounts: { captions: 1 } });
    const errors = await engine.nodeErrors(run.runId, 'cap', {});
    expect(errors.errors).toEqual([
      expect.objectContaining({ seq: 1, message: `${otherPath}: the caption of segment 0 [00:00-00:06] has no [MM:SS-MM:SS] line`, raw: refusal }),
    ]);
    // The failed item's input and the call that got the refusal come with it.
    expect(errors.errors[0]!.input).toMatchObject({ path: otherPath });
    expect(errors.errors[0]!.calls).toEqual([expect.objectContaining({ profile: 'captioner-vlm', cached: false, error: null })]);
    const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
    expect(caption!.videoPath).toBe(shortPath);
  });

  it('sends each segment as a video_url clip cut to the segment in video_url mode', async () => {
    const clipLengths = new Map<number, number>();
    answer = (request) => {
      const parts = userParts(request);
      if (parts.some((p) => p.type === 'image_url')) throw new Error('video_url mode sent images');
      const videoParts = parts.filter((p) => p.type === 'video_url');
      if (videoParts.length !== 1 || !videoParts[0]!.video_url!.url.startsWith('file://')) throw new Error('expected one file:// video_url part');
      const path = fileURLToPath(videoParts[0]!.video_url!.url);
      if (!existsSync(path)) throw new Error(`${path} does not exist`);
      const seconds = ffprobeDuration(path);
      clipLengths.set(clipOf(request).part, seconds);
      return `[00:00-${formatTimestamp(seconds)}] the whole clip`;
    };
    // Room for both segments at 2 fps, so each is one clip; a rate given in extraBody is accepted when it is `fps`.
    const extraBody = { mm_processor_kwargs: { fps: 2 } };
    const run = await runToEnd(engine, captionGraph([longPath], { inputMode: 'video_url', extraBody, maxFrames: 1400 }));
    expect(run.status).toBe('done');
    expect(clipLengths.get(1)).toBeCloseTo(700, 0);
    expect(clipLengths.get(2)).toBeCloseTo(680, 0);
    expect(server.requests[0]!.body.mm_processor_kwargs).toEqual({ fps: 2 });
    const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
    expect(caption!.events.map((e) => [e.start, e.end])).toEqual([
      [0, 700],
      [700, 1380],
    ]);
  });

  describe('frame budget: 12 s at 2 fps is 24 frames, over maxFrames 8', () => {
    const overBudget = { fps: 2, maxFrames: 8 };
    /** The three 4 s sub-clips of 8 frames that `split` should cut the 12 s video into: 24 frames / 8 per clip. */
    const subClips = [0, 4, 8].map((start) => ({ start, end: start + 4 }));
    let warnings: string[];
    beforeEach(() => {
      warnings = [];
      engine.subscribe((e) => e.type === 'node-log' && e.nodeId === 'cap' && e.level === 'warn' && warnings.push(e.message));
    });
    const requestOfPart = (part: number) => server.requests.find((r) => clipOf(r).part === part)!;

    it('cap: sends maxFrames frames over the whole segment, records the lowered rate and warns with both rates', async () => {
      answer = (request) => captionFrames(seenFrames(userParts(request)));
      const run = await runToEnd(engine, captionGraph([shortPath], { ...overBudget, frameBudget: 'cap', maxErrorRatio: 0 }));
      expect(run.status).toBe('done');
      expect(server.requests).toHaveLength(1);
      const frames = seenFrames(userParts(server.requests[0]!));
      // 8 frames spread over 12 s: one every 1.5 s (labels are whole seconds).
      expect(frames.map((f) => f.time)).toEqual(Array.from({ length: 8 }, (_, n) => Math.floor(n * 1.5)));
      const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
      expect(caption!.sampling).toEqual([{ input: 'frames', segment: 0, start: 0, end: 12, configuredFps: 2, capped: true, frames: 8, fps: 8 / 12 }]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${shortPath}: segment 0 [00:00-00:12] is captioned at 0.67 fps, below the configured 2 fps`);
    });

    it('split: captions consecutive sub-clips at the configured rate and merges them with global times', async () => {
      const run = await runToEnd(engine, captionGraph([shortPath], { ...overBudget, frameBudget: 'split', maxErrorRatio: 0 }));
      expect(run.status).toBe('done');
      expect(server.requests).toHaveLength(subClips.length);
      subClips.forEach((clip, i) => {
        const request = requestOfPart(i + 1);
        expect(promptText(userParts(request))).toContain(`This is a 00:04 clip (part ${i + 1} of 3)`);
        // 8 frames over 4 s: the configured 2 fps (watchFrames also checked the labels start at 00:00 of the sub-clip).
        expect(seenFrames(userParts(request))).toHaveLength((clip.end - clip.start) * 2);
      });

      const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
      expect(caption!.sampling).toEqual(
        subClips.map(({ start, end }) => ({ input: 'frames', segment: 0, start, end, configuredFps: 2, capped: false, frames: 8, fps: 2 })),
      );
      expect(caption!.events).toEqual(
        subClips.flatMap(({ start }, i) => relativeEvents(replies.get(i + 1)!).map((e) => ({ ...e, start: start + e.start, end: start + e.end, flags: [] }))),
      );
      // Red until 4 s, blue until 9 s, then the test pattern: the blue scene spans the second and third sub-clips.
      expect(caption!.events.map((e) => [e.start, e.end, e.text])).toEqual([
        [0, 3, 'the screen shows plain red'],
        [4, 7, 'the screen shows plain blue'],
        [8, 8, 'the screen shows plain blue'],
        [9, 11, 'a moving test pattern plays'],
      ]);
      expect(warnings).toEqual([]);
    });

    it('split: flags an event reaching past its sub-clip’s end as out-of-range', async () => {
      answer = (request) => {
        const { part } = clipOf(request);
        return part === 2 ? '[00:00-00:02] part two\n[00:03-00:09] spills past the clip' : `[00:00-00:04] part ${part}`;
      };
      const run = await runToEnd(engine, captionGraph([shortPath], { ...overBudget, frameBudget: 'split' }));
      const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
      expect(caption!.events.map((e) => [e.start, e.end, e.flags])).toEqual([
        [0, 4, []],
        [4, 6, []],
        [7, 13, ['out-of-range']],
        [8, 12, []],
      ]);
    });

    /** In video_url mode: what each request sent, by part: the clip's length and the processor kwargs. */
    const sentVideos = () =>
      server.requests.map((request) => {
        const url = userParts(request).find((p) => p.type === 'video_url')!.video_url!.url;
        return { part: clipOf(request).part, seconds: ffprobeDuration(fileURLToPath(url)), kwargs: request.body.mm_processor_kwargs };
      });
    const wholeClip = (request: ScriptedChatRequest) => {
      const url = userParts(request).find((p) => p.type === 'video_url')!.video_url!.url;
      return `[00:00-${formatTimestamp(ffprobeDuration(fileURLToPath(url)))}] the whole clip`;
    };
    const extraBody = { mm_processor_kwargs: { max_pixels: 12544 } };

    it('video_url split: sends each sub-clip as its own video, asking for the configured rate', async () => {
      answer = wholeClip;
      const config = { ...overBudget, inputMode: 'video_url', extraBody, frameBudget: 'split', maxErrorRatio: 0 };
      const run = await runToEnd(engine, captionGraph([shortPath], config));
      expect(run.status).toBe('done');
      const sent = sentVideos().sort((a, b) => a.part - b.part);
      expect(sent.map((s) => s.part)).toEqual([1, 2, 3]);
      for (const s of sent) {
        expect(s.seconds).toBeCloseTo(4, 1);
        expect(s.kwargs).toEqual({ max_pixels: 12544, fps: 2 });
      }
      const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
      expect(caption!.sampling).toEqual(
        subClips.map(({ start, end }) => ({ input: 'video_url', segment: 0, start, end, configuredFps: 2, capped: false, fps: 2 })),
      );
      expect(caption!.events.map((e) => [e.start, e.end])).toEqual(subClips.map(({ start, end }) => [start, end]));
      expect(warnings).toEqual([]);
    });

    it('video_url cap: sends the whole segment asking for the lowered rate, recorded and warned', async () => {
      answer = wholeClip;
      const config = { ...overBudget, inputMode: 'video_url', extraBody, frameBudget: 'cap', maxErrorRatio: 0 };
      const run = await runToEnd(engine, captionGraph([shortPath], config));
      expect(run.status).toBe('done');
      const [sent, ...more] = sentVideos();
      expect(more).toEqual([]);
      expect(sent!.seconds).toBeCloseTo(12, 1);
      expect(sent!.kwargs).toEqual({ max_pixels: 12544, fps: 8 / 12 });
      const [caption] = await outputOf<DenseCaption>(engine, run.runId, 'cap', 'captions');
      expect(caption!.sampling).toEqual([{ input: 'video_url', segment: 0, start: 0, end: 12, configuredFps: 2, capped: true, fps: 8 / 12 }]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('segment 0 [00:00-00:12] is captioned at 0.67 fps, below the configured 2 fps');
    });

    it('refuses a video_url config whose extraBody asks for another rate than fps', async () => {
      const config = { inputMode: 'video_url', fps: 2, extraBody: { mm_processor_kwargs: { fps: 1 } } };
      const result = await engine.validate(captionGraph([shortPath], config));
      expect(result.errors).toEqual([
        {
          nodeId: 'cap',
          field: 'extraBody',
          message: '`mm_processor_kwargs.fps` (1) differs from `fps` (2): in `video_url` mode the captioner sends `fps` there itself',
        },
      ]);
    });
  });

  it('embeds a whole video as a data URL with embedVideo', async () => {
    let sent = '';
    answer = (request) => {
      sent = userParts(request).find((p) => p.type === 'video_url')!.video_url!.url;
      return '[00:00-00:12] the whole video';
    };
    const run = await runToEnd(engine, captionGraph([shortPath], { inputMode: 'video_url', embedVideo: true }));
    expect(run.status).toBe('done');
    expect(sent.startsWith('data:video/mp4;base64,')).toBe(true);
    expect(Buffer.from(sent.slice('data:video/mp4;base64,'.length), 'base64').equals(readFileSync(shortPath))).toBe(true);
  });
});
