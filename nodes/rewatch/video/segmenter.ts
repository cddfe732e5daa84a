import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, type NodeContext } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { formatTimestamp } from '../timecode.ts';
import { SegmentType, VideoType, type Segment, type Video } from '../types.ts';
import { frameParts } from './frame-parts.ts';
import { sampleFrames, sceneChangeTimes } from './frames.ts';
import { assertContiguous, chooseCuts, segmentCount, segmentsFromCuts, type CutSource, type SegmentBounds } from './segment-plan.ts';

const DEFAULT_SEGMENTER_PROMPT = `The images above are {{frameCount}} frames sampled evenly from a video that lasts {{duration}} ({{durationSec}} seconds); the text before each frame is its time [MM:SS].
Split the video into {{segmentCount}} parts of about {{targetSec}} seconds each, cutting where the content changes: a new scene, place, topic or activity. Each part must last between {{minSec}} and {{maxSec}} seconds.
Reply with JSON only: {"boundaries": [...]} holding the {{cutCount}} cut times in seconds from the start of the video, in ascending order.`;

const boundariesSchema = z.object({
  boundaries: z.array(z.number().min(0)).describe('Cut times in seconds from the start of the video, ascending.'),
});

const config = z
  .object({
    mode: z.enum(['vlm', 'scene-change']).default('vlm').meta({
      description:
        '`vlm`: a vision model picks semantic boundaries from low-rate frames (ffmpeg scene changes fill in where it gives none). `scene-change`: ffmpeg scene scores only, no model.',
    }),
    provider: providerField('segmenter-vlm', 'Vision model (M_seg) that chooses the boundaries in `vlm` mode.'),
    prompt: promptField(
      DEFAULT_SEGMENTER_PROMPT,
      'Sent after the frames. Variables: {{frameCount}}, {{duration}} (MM:SS), {{durationSec}}, {{segmentCount}}, {{cutCount}}, {{targetSec}}, {{minSec}}, {{maxSec}}.',
    ),
    thresholdSec: z.number().positive().default(600).meta({ description: 'Videos up to this long pass as one segment (the paper: 10 minutes).' }),
    targetSec: z.number().positive().default(600).meta({ description: 'Aimed-at segment length for longer videos (the paper: ~10 minutes).' }),
    minRatio: z.number().positive().max(1).default(0.5).meta({ description: 'Shortest segment, as a share of `targetSec`.' }),
    maxRatio: z.number().min(1).default(1.5).meta({ description: 'Longest segment, as a multiple of `targetSec`.' }),
    fps: z.number().positive().default(0.2).meta({ description: 'Frame rate sampled for the model (low: it only needs the structure).' }),
    maxFrames: z.number().int().min(1).default(256).meta({ description: 'Most frames sent; the rate is lowered to spread them over the whole video.' }),
    frameWidth: z.number().int().min(16).default(336).meta({ description: 'Frames wider than this are scaled down to it.' }),
    sceneThreshold: z.number().gt(0).lt(1).default(0.3).meta({ description: 'ffmpeg scene score (0–1) above which a frame starts a new scene.' }),
    temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature of the model.' }),
    maxTokens: z.number().int().min(1).default(1024).meta({ description: 'Upper bound on the reply length in tokens.' }),
    seed: z.number().int().optional().meta({ description: 'Sampling seed, for servers that honour it.' }),
  })
  .refine((c) => c.maxRatio >= 2 * c.minRatio, {
    message: '`maxRatio` must be at least twice `minRatio`, or some lengths cannot be split within the bounds',
    path: ['maxRatio'],
  });
type Config = z.output<typeof config>;

/** The VLM's boundaries, or undefined (with a warning) when it fails or gives none inside the video. */
async function vlmBoundaries(ctx: NodeContext, video: Video, c: Config, bounds: SegmentBounds): Promise<number[] | undefined> {
  try {
    const frames = await sampleFrames(ctx.media, {
      path: video.path,
      start: 0,
      end: video.duration,
      fps: c.fps,
      maxFrames: c.maxFrames,
      width: c.frameWidth,
      signal: ctx.signal,
    });
    const count = segmentCount(video.duration, bounds);
    const text = renderTemplate(c.prompt, {
      frameCount: frames.length,
      duration: formatTimestamp(video.duration),
      durationSec: Math.round(video.duration),
      segmentCount: count,
      cutCount: count - 1,
      targetSec: bounds.targetSec,
      minSec: bounds.minSec,
      maxSec: bounds.maxSec,
    });
    const reply = await ctx.llm.completeJson(boundariesSchema, {
      profile: c.provider,
      messages: [{ role: 'user', content: [...frameParts(frames), { type: 'text', text }] }],
      temperature: c.temperature,
      maxTokens: c.maxTokens,
      ...(c.seed !== undefined && { seed: c.seed }),
    });
    const all = reply.value.boundaries;
    const inside = all.filter((t) => t > 0 && t < video.duration);
    if (inside.length === 0) {
      ctx.log.warn(`${video.path}: the VLM gave no boundary inside the video (${JSON.stringify(all)}); using scene changes`);
      return undefined;
    }
    return inside;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // The fallback keeps the run going, so the log is where an unusable reply is kept.
    const raw = (error as { raw?: unknown }).raw;
    const reply = typeof raw === 'string' ? `; its reply: ${JSON.stringify(raw)}` : '';
    ctx.log.warn(`${video.path}: the VLM segmentation failed (${(error as Error).message}${reply}); using scene changes`);
    return undefined;
  }
}

async function planLongVideo(ctx: NodeContext, video: Video, c: Config) {
  const bounds = { targetSec: c.targetSec, minSec: c.minRatio * c.targetSec, maxSec: c.maxRatio * c.targetSec };
  const sources: CutSource[] = [];
  const semantic = c.mode === 'vlm' ? await vlmBoundaries(ctx, video, c, bounds) : undefined;
  if (semantic) sources.push({ reason: 'semantic', times: semantic });
  let cuts = chooseCuts(video.duration, bounds, sources);
  // Scene detection decodes the whole video: only when the model left a cut without a boundary.
  if (cuts.some((cut) => cut.reason === 'fixed')) {
    const scenes = await sceneChangeTimes(ctx.media, { path: video.path, threshold: c.sceneThreshold, signal: ctx.signal });
    cuts = chooseCuts(video.duration, bounds, [...sources, { reason: 'scene-change', times: scenes }]);
  }
  const planned = segmentsFromCuts(video.duration, cuts);
  assertContiguous(planned, video.duration, bounds);
  return planned;
}

export const segmenter = defineMapNode({
  type: 'rewatch.segmenter',
  version: 1,
  title: 'Segmenter',
  category: 'Video',
  description:
    'M_seg: passes videos up to `thresholdSec` whole and splits longer ones into ~`targetSec` segments at semantic ' +
    'boundaries a VLM picks from low-rate frames, falling back to ffmpeg scene changes, then to fixed cuts. ' +
    'Segments cover each video from 0 to its end with no gap and no overlap.',
  inputs: { videos: { type: VideoType, description: 'Videos to segment.' } },
  outputs: { segments: { type: SegmentType, description: 'The segments of each video, in order.' } },
  config,
  over: 'videos',
  concurrency: 4,
  async execute(ctx, { videos: video }, c) {
    const planned =
      video.duration <= c.thresholdSec ? [{ start: 0, end: video.duration, reason: 'whole' as const }] : await planLongVideo(ctx, video, c);
    const segments: Segment[] = planned.map((p, index) => ({
      id: stableId(video.id, index, p.start, p.end),
      videoId: video.id,
      videoPath: video.path,
      videoDuration: video.duration,
      index,
      ...p,
    }));
    return { segments };
  },
});
