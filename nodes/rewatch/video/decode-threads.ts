/**
 * How many threads one frame-sampling ffmpeg process decodes with. Left alone, each decoder starts cores + 1 frame
 * threads (FFmpeg/FFmpeg libavcodec/pthread_frame.c, `ff_frame_thread_init`, at
 * 02220b88fc38ef9dd4f2d519f5d3e4151258b60c), and the video nodes sample several clips at once, so the machine would
 * run processes × (cores + 1) decoding threads, each costing CPU time to hand frames around: on 64×36 H.264, one thread
 * decoded the same frames for under half the CPU time of the default. Each process gets its share of the cores
 * instead: all of them while it runs alone, one once more processes run than there are cores.
 */
let running = 0;

/**
 * Runs `sample` with its decoder thread count: `cores` shared among the samplings running in this process, or
 * undefined (ffmpeg's own choice) when the cores of the machine ffmpeg runs on are not known.
 */
export async function withDecodeThreads<T>(cores: number | undefined, sample: (threads: number | undefined) => Promise<T>): Promise<T> {
  running++;
  try {
    return await sample(cores === undefined ? undefined : Math.max(1, Math.floor(cores / running)));
  } finally {
    running--;
  }
}
