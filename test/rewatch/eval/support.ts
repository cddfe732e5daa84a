import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkId } from '../../../nodes/rewatch/eval/benchmarks.ts';
import { otherShortVideo, shortVideo } from '../../support/videos.ts';
import { MCQ_ROWS, MULTI_BINARY_ROWS, writeVideoMathQaParquet } from './fixtures/videomathqa.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Where each benchmark's annotation file is and where its videos were "extracted". */
export interface BenchmarkFiles {
  file: string;
  videoDir: string;
}

/**
 * The fixtures' videos laid out as each benchmark releases them, under `root`: the 12 s colour video (red, blue,
 * test pattern) and the 6 s one (green, yellow) under the names the annotation files use.
 */
export function benchmarkFiles(root: string): Record<Exclude<BenchmarkId, 'jsonl'>, BenchmarkFiles> & { 'videomathqa-mbin': BenchmarkFiles } {
  const sources = join(root, 'sources');
  mkdirSync(sources, { recursive: true });
  const colours = shortVideo(sources);
  const greens = otherShortVideo(sources);
  const place = (videoDir: string, names: Record<string, string>) => {
    for (const [name, source] of Object.entries(names)) {
      mkdirSync(dirname(join(videoDir, name)), { recursive: true });
      copyFileSync(source, join(videoDir, name));
    }
    return videoDir;
  };
  const vmqa = join(root, 'videomathqa');
  mkdirSync(vmqa, { recursive: true });
  const vmqaVideos = place(join(vmqa, 'videos'), { 'vm_0012.mp4': colours, 'vm_0013.mp4': greens });
  return {
    'vcr-bench': {
      file: join(FIXTURES, 'vcr-bench.json'),
      videoDir: place(join(root, 'vcr'), { 'video/videoEspresso/colours.mp4': colours, 'video/kinetics/greens.mp4': greens }),
    },
    minerva: { file: join(FIXTURES, 'minerva.json'), videoDir: place(join(root, 'minerva'), { 'AbC123xyz_Q.mp4': colours, 'Zz9_greens00.mp4': greens }) },
    'video-holmes': {
      file: join(FIXTURES, 'test_Video-Holmes.json'),
      videoDir: place(join(root, 'holmes', 'videos'), { 'xY9_ab.mp4': colours, 'qW3_cd.mp4': greens }),
    },
    videomathqa: { file: writeVideoMathQaParquet(join(vmqa, 'mcq.parquet'), MCQ_ROWS), videoDir: vmqaVideos },
    'videomathqa-mbin': { file: writeVideoMathQaParquet(join(vmqa, 'multi_binary.parquet'), MULTI_BINARY_ROWS), videoDir: vmqaVideos },
    'cg-av-counting': {
      file: join(FIXTURES, 'cg-av-counting.json'),
      videoDir: place(join(root, 'cg', 'cg_videos_720p'), { 'v_colours.mp4': colours, 'v_greens.mp4': greens }),
    },
  };
}
