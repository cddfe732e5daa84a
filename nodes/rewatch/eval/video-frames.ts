import type { ChatContentPart, NodeContext } from '../../sdk/index.ts';
import { frameParts } from '../video/frame-parts.ts';
import { probeVideo, sampleFrames } from '../video/frames.ts';
import { frameCount, frameWidth, type FrameBudget } from './frame-budget.ts';

/** A video's frames under the budget, spread evenly over the whole video, as timestamped image parts. */
async function videoFrames(ctx: NodeContext, path: string, budget: FrameBudget): Promise<ChatContentPart[]> {
  const info = await probeVideo(ctx.media, path, ctx.signal);
  const count = frameCount(info.duration, budget);
  const frames = await sampleFrames(ctx.media, {
    path,
    start: 0,
    end: info.duration,
    fps: count / info.duration,
    maxFrames: count,
    width: frameWidth(info.width, info.height, budget.maxPixels),
    signal: ctx.signal,
  });
  return frameParts(frames);
}

/**
 * Frames shared by the questions of one video: sampled once, dropped when its last question is done, so a
 * benchmark of hundreds of long videos holds only the videos being asked about.
 */
export class SharedFrames {
  private readonly loading = new Map<string, Promise<ChatContentPart[]>>();
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly budget: FrameBudget,
    uses: readonly string[],
  ) {
    for (const path of uses) this.pending.set(path, (this.pending.get(path) ?? 0) + 1);
  }

  /** The frames of `path` for one use; call `release(path)` when that use is done. */
  get(path: string): Promise<ChatContentPart[]> {
    let frames = this.loading.get(path);
    if (!frames) this.loading.set(path, (frames = videoFrames(this.ctx, path, this.budget)));
    return frames;
  }

  release(path: string): void {
    const left = (this.pending.get(path) ?? 1) - 1;
    this.pending.set(path, left);
    if (left <= 0) this.loading.delete(path);
  }
}
