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

async function throughTheNode(paths: readonly string[]): Promise<Video[]> {
  return withTempDir(async (dataDir) => {
    const engine = openEngine(dataDir);
    try {
      const run = await runGraph(engine, chainGraph('video-source bench', [{ id: 'src', type: 'rewatch.video-source', config: { paths } }]));
      const count = run.node('src').outputCounts?.videos ?? 0;
      const page = await engine.nodeOutput(run.detail.runId, 'src', 'videos', { limit: count });
      return page.items.map((item) => item.data as Video);
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
  const { ms: generateMs, value: paths } = await timed(() => distinctVideos(folder, count, SECONDS));

  const sequential = await timedWithCpu(() => oneAtATime(paths));
  const node = await timedWithCpu(() => throughTheNode(paths));
  if (JSON.stringify(node.value) !== JSON.stringify(sequential.value)) {
    throw new Error(`the node listed ${node.value.length} videos, one at a time ${sequential.value.length}, or not the same ones in the same order`);
  }

  const speedUp = sequential.ms / node.ms;
  const cores = availableParallelism();
  const projectedMs = (node.ms / count) * LIBRARY;
  printTable(`Video source — ${fmt.int(count)} ${SECONDS}-second 32×24 videos, ${cores} cores`, [
    ['generate the videos (first run only)', fmt.ms(generateMs), folder],
    ['one at a time (ffprobe, then sha256)', fmt.ms(sequential.ms), `${fmt.ms(sequential.ms / count)} per video${busy(sequential)}`],
    ['rewatch.video-source', fmt.ms(node.ms), `${fmt.ms(node.ms / count)} per video${busy(node)}, same videos in the same order`],
    [`${fmt.int(LIBRARY)} videos at that rate`, minutes(projectedMs), `one at a time: ${minutes((sequential.ms / count) * LIBRARY)}`],
    ...(node.cpuMs === undefined
      ? []
      : [[`${fmt.int(LIBRARY)} videos on ${cores} idle cores`, minutes((node.cpuMs / count) * LIBRARY / cores), 'the node’s CPU time per video, all cores free']]),
    ['speed-up', `${fmt.ratio(speedUp, 2)}×`, 'target ≥ 2× (bounded by the free cores: most of a probe is ffprobe loading its libraries)'],
  ]);
  return {
    name: 'video-source',
    metric: 'one-at-a-time time / video-source node time',
    value: speedUp,
    display: `${fmt.ratio(speedUp, 2)}× (${fmt.int(count)} videos in ${fmt.ms(node.ms)})`,
    target: atLeast(2, '×'),
  };
}
