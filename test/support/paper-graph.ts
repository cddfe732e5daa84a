import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphFile } from '../../main/graph/format.ts';
import { loadTemplate } from '../../main/graph/templates.ts';
import { catalog } from './engine-fixture.ts';
import { otherShortVideo, shortVideo } from './videos.ts';

/** The paper's template (`rewatch-r1`) over the two short test videos made in `dir/videos`, writing under `dir/out`. */
export async function paperGraphOnShortVideos(dir: string): Promise<GraphFile> {
  const videos = join(dir, 'videos');
  mkdirSync(videos);
  shortVideo(videos);
  otherShortVideo(videos);
  const out = (name: string) => ({ outputDir: join(dir, 'out', name) });
  const outputs: Record<string, Record<string, unknown>> = { videos: { folder: videos }, sft: out('sft'), grpo: out('grpo'), report: out('report') };
  const { graph } = await loadTemplate('rewatch-r1', catalog.lookup);
  return { ...graph, nodes: graph.nodes.map((n) => ({ ...n, config: { ...n.config, ...outputs[n.id] } })) };
}
