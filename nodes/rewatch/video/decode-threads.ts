import pLimit, { type LimitFunction } from 'p-limit';

/**
 * How frame-sampling ffmpeg processes share this machine. Left alone, each decoder starts cores + 1 frame threads
 * (FFmpeg/FFmpeg libavcodec/pthread_frame.c, `ff_frame_thread_init`, at 02220b88fc38ef9dd4f2d519f5d3e4151258b60c),
 * and the video nodes sample many clips at once, so the machine would run processes × (cores + 1) decoding threads,
 * each costing CPU time to hand frames around: on 64×36 H.264, one thread decoded the same frames for under half the
 * CPU time of the default.
 *
 * So at most `cores` samplings run at once, in the order they were asked for, each with its share of the cores (all
 * of them alone, one each when `cores` run). The order matters as much as the count: a map node starts its items in
 * input order, and a hundred samplings sharing two cores would all finish late and together, so a node streaming its
 * output (its settled prefix) would hand on nothing until the end. Queued, they finish in the order asked.
 */
let running = 0;
const queues = new Map<number, LimitFunction>();

function queueFor(cores: number): LimitFunction {
  let queue = queues.get(cores);
  if (!queue) queues.set(cores, (queue = pLimit(cores)));
  return queue;
}

/**
 * Runs `sample` with its decoder thread count once a place is free; undefined threads (ffmpeg's own choice, no queue)
 * when the cores of the machine ffmpeg runs on are not known (a remote host). A sampling cancelled while it waits
 * gives up its place without starting.
 */
export function withDecodeThreads<T>(
  cores: number | undefined,
  sample: (threads: number | undefined) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (cores === undefined) return sample(undefined);
  return queueFor(cores)(async () => {
    signal?.throwIfAborted();
    running++;
    try {
      return await sample(Math.max(1, Math.floor(cores / running)));
    } finally {
      running--;
    }
  });
}
