import { readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pLimit from 'p-limit';
import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, type ChatContentPart, type NodeContext } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { formatTimestamp, parseCaptionLines, realignEvents, renderCaption } from '../timecode.ts';
import { DenseCaptionType, SegmentType, VideoType, type CaptionEvent, type DenseCaption, type Segment } from '../types.ts';
import { frameParts } from './frame-parts.ts';
import { cutClip, sampleFrames } from './frames.ts';

export const DEFAULT_CAPTIONER_PROMPT = `This is a {{duration}} clip (part {{segmentNumber}} of {{segmentCount}}) of a video. When it is given as frames, the text before each frame is its time [MM:SS] from the start of the clip.
Describe everything that happens in the clip in temporal order and in fine detail: people and their actions, objects, places, text on screen, changes of scene.
Write one event per line as \`[MM:SS-MM:SS] description\`, with times from the start of the clip (00:00 to {{duration}}), covering the whole clip. Write nothing else.`;

const config = z.object({
  provider: providerField('captioner-vlm', 'Vision model (M_cap) that describes each segment.'),
  prompt: promptField(
    DEFAULT_CAPTIONER_PROMPT,
    'Sent after the segment’s frames or video. Variables: {{duration}} (MM:SS), {{durationSec}}, {{frameCount}}, {{segmentNumber}}, {{segmentCount}}.',
  ),
  inputMode: z.enum(['frames', 'video_url']).default('frames').meta({
    description:
      '`frames`: sampled JPEGs as `image_url` parts with `[MM:SS]` times (any vision server). `video_url`: the segment as one `video_url` part, for servers that take video (vLLM).',
  }),
  fps: z.number().positive().default(2).meta({ description: 'Frame rate sampled per segment in `frames` mode (high: the captions need detail).' }),
  maxFrames: z.number().int().min(1).default(256).meta({ description: 'Most frames per segment; the rate is lowered to spread them over the segment.' }),
  frameWidth: z.number().int().min(16).default(448).meta({ description: 'Frames wider than this are scaled down to it.' }),
  embedVideo: z.boolean().default(false).meta({
    description:
      '`video_url` mode: send the clip inline as `data:video/…;base64` instead of a `file://` URL (which the server must be allowed to read, e.g. vLLM `--allowed-local-media-path`).',
  }),
  extraBody: z.record(z.string(), z.unknown()).optional().meta({
    description: 'Extra request fields for the server, e.g. `{"mm_processor_kwargs": {"fps": 2}}` for vLLM.',
  }),
  toleranceSec: z.number().min(0).default(1).meta({ description: 'How far past its segment’s end an event may reach before it is flagged `out-of-range`.' }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature of the model.' }),
  maxTokens: z.number().int().min(1).default(4096).meta({ description: 'Upper bound on each segment’s reply in tokens.' }),
  seed: z.number().int().optional().meta({ description: 'Sampling seed, for servers that honour it.' }),
});
type Config = z.output<typeof config>;

/** Segments of one video sampled and captioned at the same time (each runs its own ffmpeg). */
const SEGMENTS_AT_ONCE = 4;

const VIDEO_MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
};

/** The segment as a file: the video itself when the segment is all of it, else an MP4 clip kept in the blob store. */
async function segmentFile(ctx: NodeContext, segment: Segment): Promise<{ path: string; mime: string }> {
  const mime = VIDEO_MIME[extname(segment.videoPath).toLowerCase()];
  if (segment.start === 0 && segment.end === segment.videoDuration && mime) return { path: segment.videoPath, mime };
  const output = join(ctx.storage.workDir, `clip-${segment.id}.mp4`);
  try {
    await cutClip(ctx.media, { path: segment.videoPath, start: segment.start, end: segment.end, output, signal: ctx.signal });
    const blob = await ctx.storage.putBlob(await readFile(output), 'video/mp4');
    return { path: ctx.storage.blobPath(blob.hash), mime: 'video/mp4' };
  } finally {
    await rm(output, { force: true });
  }
}

async function mediaParts(ctx: NodeContext, segment: Segment, c: Config): Promise<{ parts: ChatContentPart[]; frameCount: number }> {
  if (c.inputMode === 'frames') {
    const frames = await sampleFrames(ctx.media, {
      path: segment.videoPath,
      start: segment.start,
      end: segment.end,
      fps: c.fps,
      maxFrames: c.maxFrames,
      width: c.frameWidth,
      signal: ctx.signal,
    });
    return { parts: frameParts(frames), frameCount: frames.length };
  }
  const file = await segmentFile(ctx, segment);
  const url = c.embedVideo ? `data:${file.mime};base64,${(await readFile(file.path)).toString('base64')}` : pathToFileURL(file.path).href;
  return { parts: [{ type: 'video_url', video_url: { url } }], frameCount: 0 };
}

interface SegmentCaption {
  events: CaptionEvent[];
  unparsed: DenseCaption['unparsed'];
}

async function captionSegment(ctx: NodeContext, segment: Segment, segmentCount: number, c: Config): Promise<SegmentCaption> {
  const { parts, frameCount } = await mediaParts(ctx, segment, c);
  const length = segment.end - segment.start;
  const text = renderTemplate(c.prompt, {
    duration: formatTimestamp(length),
    durationSec: Math.round(length),
    frameCount,
    segmentNumber: segment.index + 1,
    segmentCount,
  });
  const reply = await ctx.llm.complete({
    profile: c.provider,
    messages: [{ role: 'user', content: [...parts, { type: 'text', text }] }],
    temperature: c.temperature,
    maxTokens: c.maxTokens,
    ...(c.seed !== undefined && { seed: c.seed }),
    ...(c.extraBody && { extraBody: c.extraBody }),
  });
  const parsed = parseCaptionLines(reply.text);
  if (parsed.events.length === 0) {
    const where = `segment ${segment.index} [${formatTimestamp(segment.start)}-${formatTimestamp(segment.end)}]`;
    throw Object.assign(new Error(`${segment.videoPath}: the caption of ${where} has no [MM:SS-MM:SS] line`), { raw: reply.raw });
  }
  return {
    events: realignEvents(parsed.events, segment, c.toleranceSec),
    unparsed: parsed.unparsed.map((line) => ({ segment: segment.index, line })),
  };
}

export const captioner = defineMapNode({
  type: 'rewatch.captioner',
  version: 1,
  title: 'Captioner',
  category: 'Video',
  description:
    'M_cap: describes each segment of a video at a high frame rate as `[MM:SS-MM:SS]` lines with times relative to ' +
    'the segment, re-aligns them to the whole video (t = segment start + τ) and merges them into one dense caption ' +
    'per video. Events keep the model’s order; out-of-range, reversed and non-monotonic ones are flagged, not fixed. ' +
    'A segment whose reply has no caption line fails its video, with the reply kept.',
  inputs: {
    videos: { type: VideoType, description: 'Videos to caption.' },
    segments: { type: SegmentType, description: 'The segments of every video (joined by `videoId`).' },
  },
  outputs: { captions: { type: DenseCaptionType, description: 'C_detail: one dense caption per video.' } },
  config,
  over: 'videos',
  concurrency: 4,
  async execute(ctx, { videos: video, segments }, c) {
    const own = [...(segments.groupBy('videoId').get(video.id) ?? [])].sort((a, b) => a.index - b.index);
    if (own.length === 0) throw new Error(`${video.path}: no segments for video ${video.id}`);
    const limit = pLimit(SEGMENTS_AT_ONCE);
    const captions = await Promise.all(own.map((segment) => limit(() => captionSegment(ctx, segment, own.length, c))));
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
    };
    return { captions: [caption] };
  },
});
