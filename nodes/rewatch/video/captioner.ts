import { readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pLimit from 'p-limit';
import { z } from 'zod';
import {
  defineMapNode,
  promptField,
  providerField,
  renderTemplate,
  videoBudgetField,
  type ChatContentPart,
  type NodeContext,
} from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { formatTimestamp, parseCaptionLines, realignEvents, renderCaption } from '../timecode.ts';
import { DenseCaptionType, SegmentType, VideoType, type CaptionEvent, type ClipSampling, type DenseCaption } from '../types.ts';
import { FRAME_BUDGETS, planClips, type CaptionClip } from './clip-plan.ts';
import { frameParts } from './frame-parts.ts';
import { cutClip, sampleFrames } from './frames.ts';

const DEFAULT_CAPTIONER_PROMPT = `This is a {{duration}} clip (part {{clipNumber}} of {{clipCount}}) of a video. When it is given as frames, the text before each frame is its time [MM:SS] from the start of the clip.
Describe everything that happens in the clip in temporal order and in fine detail: people and their actions, objects, places, text on screen, changes of scene.
Write one event per line as \`[MM:SS-MM:SS] description\`, with times from the start of the clip (00:00 to {{duration}}), covering the whole clip. Write nothing else.`;

const fields = z.object({
  provider: providerField('captioner-vlm', 'Vision model (M_cap) that describes each segment.'),
  prompt: promptField(
    DEFAULT_CAPTIONER_PROMPT,
    'Sent after the clip’s frames or video. Variables: {{duration}} (MM:SS), {{durationSec}}, {{frameCount}}, {{clipNumber}}, {{clipCount}} ' +
      '(the clip among all the clips of the video: its segments, or their sub-clips with `frameBudget: split`), {{segmentNumber}}, {{segmentCount}}.',
  ),
  inputMode: z.enum(['frames', 'video_url']).default('frames').meta({
    description:
      '`frames`: sampled JPEGs as `image_url` parts with `[MM:SS]` times (any vision server). `video_url`: the clip as one ' +
      '`video_url` part, for servers that take video (vLLM); the server samples it itself, asked for `fps` through ' +
      '`mm_processor_kwargs`, so `sampling` records the rate asked for, not frames counted.',
  }),
  fps: videoBudgetField(
    'fps',
    'Frame rate per segment (high: the captions need detail); the graph’s video budget unless set here. `frames` mode samples it ' +
      'here; `video_url` mode asks the server for it as `mm_processor_kwargs.fps`.',
  ),
  maxFrames: z.number().int().min(1).default(256).meta({
    description:
      'Most frames per request: the captioning model’s own context limit, not the graph’s video budget (whose `maxFrames` ' +
      'caps a whole video for training and evaluation). A segment needing more at `fps` is split or capped, as `frameBudget` says.',
  }),
  frameBudget: z.enum(FRAME_BUDGETS).default('split').meta({
    description:
      'When a segment’s frames at `fps` exceed `maxFrames`. `split` (default): caption it as consecutive sub-clips, each at `fps` ' +
      'with at most `maxFrames` frames, and merge their events (t = sub-clip start + τ). The paper describes every segment at a ' +
      'high frame rate; a 10-minute segment capped at 256 frames would be seen at 0.43 fps, so reproducing it means keeping the ' +
      'rate. `cap`: one request per segment at the lowered rate `maxFrames / duration`, warned and recorded in `sampling`.',
  }),
  frameWidth: z.number().int().min(16).default(448).meta({ description: 'Frames wider than this are scaled down to it.' }),
  embedVideo: z.boolean().default(false).meta({
    description:
      '`video_url` mode: send the clip inline as `data:video/…;base64` instead of a `file://` URL (which the server must be allowed to read, e.g. vLLM `--allowed-local-media-path`).',
  }),
  extraBody: z.record(z.string(), z.unknown()).optional().meta({
    description:
      'Extra request fields for the server, e.g. `{"mm_processor_kwargs": {"max_pixels": 200704}}` for vLLM. In `video_url` mode the rate is set with `fps`.',
  }),
  toleranceSec: z.number().min(0).default(1).meta({ description: 'How far past its clip’s end an event may reach before it is flagged `out-of-range`.' }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature of the model.' }),
  maxTokens: z.number().int().min(1).default(4096).meta({ description: 'Upper bound on each clip’s reply in tokens.' }),
  seed: z.number().int().optional().meta({ description: 'Sampling seed, for servers that honour it.' }),
});
/** `video_url` mode asks for `fps` in `mm_processor_kwargs`: a different rate given there would be overwritten. */
const config = fields.superRefine((c, ctx) => {
  const asked = mmProcessorKwargs(c.extraBody).fps;
  if (c.inputMode === 'video_url' && asked !== undefined && asked !== c.fps) {
    ctx.addIssue({
      code: 'custom',
      path: ['extraBody'],
      message: `\`mm_processor_kwargs.fps\` (${JSON.stringify(asked)}) differs from \`fps\` (${c.fps}): in \`video_url\` mode the captioner sends \`fps\` there itself`,
    });
  }
});
type Config = z.output<typeof config>;

/** Clips of one video sampled and captioned at the same time (each runs its own ffmpeg). */
const CLIPS_AT_ONCE = 4;

const VIDEO_MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
};

/** The `mm_processor_kwargs` object of a request's extra fields, empty when there is none. */
function mmProcessorKwargs(extraBody: Record<string, unknown> | undefined): Record<string, unknown> {
  const kwargs = extraBody?.mm_processor_kwargs;
  return typeof kwargs === 'object' && kwargs !== null ? (kwargs as Record<string, unknown>) : {};
}

/** `segment 1 [11:40-13:36]`: where a clip lies, for messages. */
const whereIs = (clip: CaptionClip) => `segment ${clip.segment.index} [${formatTimestamp(clip.start)}-${formatTimestamp(clip.end)}]`;

/** The clip as a file: the video itself when the clip is all of it, else an MP4 cut kept in the blob store. */
async function clipFile(ctx: NodeContext, clip: CaptionClip): Promise<{ path: string; mime: string }> {
  const { videoPath, videoDuration } = clip.segment;
  const mime = VIDEO_MIME[extname(videoPath).toLowerCase()];
  if (clip.start === 0 && clip.end === videoDuration && mime) return { path: videoPath, mime };
  const output = join(ctx.storage.workDir, `clip-${clip.segment.id}-${clip.start}-${clip.end}.mp4`);
  try {
    await cutClip(ctx.media, { path: videoPath, start: clip.start, end: clip.end, output, signal: ctx.signal });
    const blob = await ctx.storage.putBlob(await readFile(output), 'video/mp4');
    return { path: ctx.storage.blobPath(blob.hash), mime: 'video/mp4' };
  } finally {
    await rm(output, { force: true });
  }
}

interface ClipMedia {
  parts: ChatContentPart[];
  sampling: ClipSampling;
  /** Request fields beyond the messages: `video_url` mode asks for the clip's rate here. */
  extraBody: Record<string, unknown> | undefined;
}

async function clipMedia(ctx: NodeContext, clip: CaptionClip, c: Config): Promise<ClipMedia> {
  const { start, end } = clip;
  const recorded = { segment: clip.segment.index, start, end, configuredFps: c.fps, capped: clip.capped };
  if (c.inputMode === 'frames') {
    const frames = await sampleFrames(ctx.media, {
      path: clip.segment.videoPath,
      start,
      end,
      fps: clip.fps,
      maxFrames: c.maxFrames,
      width: c.frameWidth,
      signal: ctx.signal,
    });
    const sampling: ClipSampling = { input: 'frames', ...recorded, frames: frames.length, fps: frames.length / (end - start) };
    return { parts: frameParts(frames), sampling, extraBody: c.extraBody };
  }
  // vLLM decodes and samples the video itself: its video loader reads `num_frames` frames (`--media-io-kwargs`),
  // then the model's processor gets `mm_processor_kwargs` (read in vllm-project/vllm, vllm/multimodal/video.py at
  // 0042be241b0fc66d2357ebf144bf870bfdff7f10). The frames it keeps are not reported back, so the rate asked is recorded.
  const file = await clipFile(ctx, clip);
  const url = c.embedVideo ? `data:${file.mime};base64,${(await readFile(file.path)).toString('base64')}` : pathToFileURL(file.path).href;
  return {
    parts: [{ type: 'video_url', video_url: { url } }],
    sampling: { input: 'video_url', ...recorded, fps: clip.fps },
    extraBody: { ...c.extraBody, mm_processor_kwargs: { ...mmProcessorKwargs(c.extraBody), fps: clip.fps } },
  };
}

interface ClipCaption {
  events: CaptionEvent[];
  unparsed: DenseCaption['unparsed'];
  sampling: ClipSampling;
}

/** Where the clip sits among the video's clips and segments, for the prompt. */
interface ClipPosition {
  clipNumber: number;
  clipCount: number;
  segmentCount: number;
}

async function captionClip(ctx: NodeContext, clip: CaptionClip, position: ClipPosition, c: Config): Promise<ClipCaption> {
  const { parts, sampling, extraBody } = await clipMedia(ctx, clip, c);
  const length = clip.end - clip.start;
  const text = renderTemplate(c.prompt, {
    duration: formatTimestamp(length),
    durationSec: Math.round(length),
    frameCount: sampling.input === 'frames' ? sampling.frames : 0,
    clipNumber: position.clipNumber,
    clipCount: position.clipCount,
    segmentNumber: clip.segment.index + 1,
    segmentCount: position.segmentCount,
  });
  const reply = await ctx.llm.complete({
    profile: c.provider,
    messages: [{ role: 'user', content: [...parts, { type: 'text', text }] }],
    temperature: c.temperature,
    maxTokens: c.maxTokens,
    ...(c.seed !== undefined && { seed: c.seed }),
    ...(extraBody && { extraBody }),
  });
  const parsed = parseCaptionLines(reply.text);
  if (parsed.events.length === 0) {
    throw Object.assign(new Error(`${clip.segment.videoPath}: the caption of ${whereIs(clip)} has no [MM:SS-MM:SS] line`), { raw: reply.raw });
  }
  return {
    events: realignEvents(parsed.events, clip, c.toleranceSec),
    unparsed: parsed.unparsed.map((line) => ({ segment: clip.segment.index, line })),
    sampling,
  };
}

/** Two decimals: enough to compare a rate with the configured one. */
const rate = (fps: number) => String(Math.round(fps * 100) / 100);

function warnCapped(ctx: NodeContext, clip: CaptionClip, sampling: ClipSampling, c: Config): void {
  const seconds = clip.end - clip.start;
  ctx.log.warn(
    `${clip.segment.videoPath}: ${whereIs(clip)} is captioned at ${rate(sampling.fps)} fps, below the configured ${rate(c.fps)} fps: ` +
      `at ${rate(c.fps)} fps its ${Math.round(seconds)} s need ${Math.ceil(seconds * c.fps)} frames, over maxFrames (${c.maxFrames}); ` +
      'frameBudget "split" keeps the configured rate',
  );
}

export const captioner = defineMapNode({
  type: 'rewatch.captioner',
  version: 1,
  title: 'Captioner',
  category: 'Video',
  description:
    'M_cap: describes each segment of a video at a high frame rate as `[MM:SS-MM:SS]` lines with times relative to ' +
    'the clip, re-aligns them to the whole video (t = clip start + τ) and merges them into one dense caption ' +
    'per video. A segment needing more than `maxFrames` frames at `fps` is split into sub-clips at `fps` or sampled ' +
    'at a lowered rate (`frameBudget`); `sampling` records each clip’s real rate. Events keep the model’s order; ' +
    'out-of-range, reversed and non-monotonic ones are flagged, not fixed. A clip whose reply has no caption line ' +
    'fails its video, with the reply kept.',
  inputs: {
    videos: { type: VideoType, description: 'Videos to caption.' },
    segments: {
      type: SegmentType,
      description: 'The segments of every video (joined by `videoId`).',
      join: { field: 'videoId', itemField: 'id' },
    },
  },
  outputs: { captions: { type: DenseCaptionType, description: 'C_detail: one dense caption per video.' } },
  config,
  over: 'videos',
  concurrency: 4,
  async execute(ctx, { videos: video, segments }, c) {
    const own = [...(segments.groupBy('videoId').get(video.id) ?? [])].sort((a, b) => a.index - b.index);
    if (own.length === 0) throw new Error(`${video.path}: no segments for video ${video.id}`);
    const clips = own.flatMap((segment) => planClips(segment, { fps: c.fps, maxFrames: c.maxFrames, budget: c.frameBudget }));
    const limit = pLimit(CLIPS_AT_ONCE);
    const captions = await Promise.all(
      clips.map((clip, i) =>
        limit(() => captionClip(ctx, clip, { clipNumber: i + 1, clipCount: clips.length, segmentCount: own.length }, c)),
      ),
    );
    for (const [i, { sampling }] of captions.entries()) if (sampling.capped) warnCapped(ctx, clips[i]!, sampling, c);
    const events = captions.flatMap((caption) => caption.events);
    const text = renderCaption(events);
    const caption: DenseCaption = {
      id: stableId(video.id, text),
      videoId: video.id,
      videoPath: video.path,
      duration: video.duration,
      events,
      text,
      unparsed: captions.flatMap((caption) => caption.unparsed),
      sampling: captions.map((caption) => caption.sampling),
    };
    return { captions: [caption] };
  },
});
