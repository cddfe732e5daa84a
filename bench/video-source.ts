/**
 * Video source: N four-second videos (generated once, kept in the OS temp dir for later runs) read by the
 * `rewatch.video-source` node in a fresh engine (so every file is really probed and hashed), against the same work done
 * one file at a time (ffprobe, then a streamed sha256). Both must list the same videos in the same order.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { localMediaTools } from '../main/media/ffmpeg.ts';
import type { Video } from '../nodes/rewatch/types.ts';
import { probeVideo } from '../nodes/rewatch/video/frames.ts';
import { distinctVideos } from '../test/support/videos.ts';
import { atLeast, chainGraph, fmt, openEngine, printTable, runGraph, scaled, timed, timedWithCpu, withTempDir, type BenchResult } from './support.ts';

const SECONDS = 4;
/** The library size the speed-up is projected to. */
const LIBRARY = 10_000;

async function sha256File(path: string): Promise<string> {
  const digest = createHash('sha256');
  for await (const chunk of createReadStream(path)) digest.update(chunk as Buffer);
  return digest.digest('hex');
}

/** What the node did before it read files in parallel: each file probed, then hashed, the next only after. */
async function oneAtATime(paths: readonly string[]): Promise<Video[]> {
  const media = localMediaTools();
  const videos: Video[] = [];
  for (const path of paths) {
    const info = await probeVideo(media, path);
    const hash = await sha256File(path);
    videos.push({ id: hash, path, hash, ...info, sizeBytes: (await stat(path)).size });
  }
  return videos;
}

/**
 * The node on `paths` in a fresh engine, then again with `added` listed too: the second run reads the new file only
 * (probe readings are kept by content hash).
 */
async function throughTheNode(paths: readonly string[], added: string): Promise<{ videos: Video[]; withOneAddedMs: number }> {
  return withTempDir(async (dataDir) => {
    const engine = openEngine(dataDir);
    const listed = async (files: readonly string[]) => {
      const run = await runGraph(engine, chainGraph('video-source bench', [{ id: 'src', type: 'rewatch.video-source', config: { paths: files } }]));
      const count = run.node('src').outputCounts?.videos ?? 0;
      const page = await engine.nodeOutput(run.detail.runId, 'src', 'videos', { limit: count });
      return page.items.map((item) => item.data as Video);
    };
    try {
      const videos = await listed(paths);
      const again = await timed(() => listed([...paths, added]));
      if (again.value.length !== videos.length + 1) throw new Error(`with one file added the node listed ${again.value.length} videos, not ${videos.length + 1}`);
      return { videos, withOneAddedMs: again.ms };
    } finally {
      await engine.close();
    }
  });
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** How much CPU a side used, and how many cores that kept busy on average. */
const busy = ({ ms, cpuMs }: { ms: number; cpuMs: number | undefined }) =>
  cpuMs === undefined ? '' : `, ${fmt.ms(cpuMs)} CPU (${fmt.ratio(cpuMs / ms, 2)} cores busy)`;

export async function videoSource(): Promise<BenchResult> {
  const count = scaled(200);
  const folder = join(tmpdir(), `rewatch-bench-videos-${SECONDS}s`);
  const { ms: generateMs, value: generated } = await timed(() => distinctVideos(folder, count + 1, SECONDS));
  const paths = generated.slice(0, count);

  const sequential = await timedWithCpu(() => oneAtATime(paths));
  const node = await timedWithCpu(() => throughTheNode(paths, generated[count]!));
  const { videos, withOneAddedMs } = node.value;
  if (JSON.stringify(videos) !== JSON.stringify(sequential.value)) {
    throw new Error(`the node listed ${videos.length} videos, one at a time ${sequential.value.length}, or not the same ones in the same order`);
  }
  const firstMs = node.ms - withOneAddedMs;

  const speedUp = sequential.ms / firstMs;
  const cores = availableParallelism();
  const projectedMs = (firstMs / count) * LIBRARY;
  printTable(`Video source — ${fmt.int(count)} ${SECONDS}-second 32×24 videos, ${cores} cores`, [
    ['generate the videos (first run only)', fmt.ms(generateMs), folder],
    ['one at a time (ffprobe, then sha256)', fmt.ms(sequential.ms), `${fmt.ms(sequential.ms / count)} per video${busy(sequential)}`],
    ['rewatch.video-source', fmt.ms(firstMs), `${fmt.ms(firstMs / count)} per video, same videos in the same order`],
    ['the same with one file added', fmt.ms(withOneAddedMs), 'the new file probed, the others’ readings kept by content hash'],
    [`${fmt.int(LIBRARY)} videos at that rate`, minutes(projectedMs), `one at a time: ${minutes((sequential.ms / count) * LIBRARY)}`],
    ['both runs of the node', fmt.ms(node.ms), busy(node).replace(/^, /, '')],
    ['speed-up', `${fmt.ratio(speedUp, 2)}×`, 'target ≥ 2× (bounded by the free cores: most of a probe is ffprobe loading its libraries)'],
  ]);
  return {
    name: 'video-source',
    metric: 'one-at-a-time time / video-source node time',
    value: speedUp,
    display: `${fmt.ratio(speedUp, 2)}× (${fmt.int(count)} videos in ${fmt.ms(firstMs)}; one added: ${fmt.ms(withOneAddedMs)})`,
    target: atLeast(2, '×'),
  };
}
