import { loadCgAvCounting } from './cg-av-counting.ts';
import { loadJsonlMcq } from './jsonl-mcq.ts';
import { loadMinerva } from './minerva.ts';
import type { LoadedBenchmark } from './question.ts';
import { loadVcrBench } from './vcr-bench.ts';
import { loadVideoHolmes } from './video-holmes.ts';
import { loadVideoMathQa } from './videomathqa.ts';

export const BENCHMARK_IDS = ['jsonl', 'vcr-bench', 'minerva', 'video-holmes', 'videomathqa', 'cg-av-counting'] as const;
export type BenchmarkId = (typeof BENCHMARK_IDS)[number];

interface Benchmark {
  readonly title: string;
  load(file: string, videoDir: string): Promise<LoadedBenchmark>;
  /** What a video-only model is scored on where the benchmark was made for audio too (frames are all it gets). */
  readonly audio?: string;
}

/** The paper's five benchmarks (benchmarks.md in the shared reference gathers their sources) and the app's own format. */
export const BENCHMARKS: Readonly<Record<BenchmarkId, Benchmark>> = {
  jsonl: { title: 'Multiple choice (JSONL)', load: loadJsonlMcq },
  'vcr-bench': { title: 'VCR-Bench', load: loadVcrBench },
  minerva: { title: 'MINERVA', load: loadMinerva },
  'video-holmes': { title: 'Video Holmes', load: loadVideoHolmes },
  videomathqa: {
    title: 'VideoMathQA',
    load: loadVideoMathQa,
    audio:
      'VideoMathQA is made for vision, speech and text: a video-only model is scored on every question from frames ' +
      'alone, without subtitles or speech (the spoken content is lost).',
  },
  'cg-av-counting': {
    title: 'CG-AV-Counting',
    load: loadCgAvCounting,
    audio:
      'CG-AV-Counting has audio (A), audio-to-visual (A2V), visual-to-audio (V2A) and audio-visual (AV) questions: a ' +
      'video-only model is scored on all of them from frames alone and must guess what only the sound tells; ' +
      'accuracy by type shows the visual-only (V) questions apart.',
  },
};

/** The paper's table columns, in its order. */
export const PAPER_BENCHMARKS = ['vcr-bench', 'minerva', 'video-holmes', 'videomathqa', 'cg-av-counting'] as const satisfies readonly BenchmarkId[];
