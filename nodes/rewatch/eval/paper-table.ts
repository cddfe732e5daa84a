import type { PAPER_BENCHMARKS } from './benchmarks.ts';

interface PaperRow {
  readonly model: string;
  readonly scores: Readonly<Record<(typeof PAPER_BENCHMARKS)[number], number>>;
  readonly average: number;
}

/**
 * The paper's main table (Qwen2.5-VL-7B backbone, 192-frame setting, thinking mode except the base model's direct
 * row), as printed in ReWatch-R1 (ICLR 2026), "Main Results"; copied from the project's paper summary
 * (shared/paper/ReWatch-R1.md). † as in the paper.
 */
export const PAPER_ROWS: readonly PaperRow[] = [
  ['Qwen2.5-VL-7B (Base, Direct)', 36.75, 33.19, 38.87, 24.76, 19.96, 30.71],
  ['Video-R1', 32.69, 32.36, 41.97, 25.95, 22.01, 31.0],
  ['GLM4.1V-9B', 34.53, 33.75, 38.98, 27.38, 21.32, 31.19],
  ['LongVideoReason-RL†', 35.3, 35.01, 43.49, 23.57, 20.55, 31.58],
  ['ReWatch-R1-SFT', 35.78, 35.43, 39.52, 30.0, 25.51, 33.25],
  ['ReWatch-R1', 40.14, 35.7, 43.0, 30.71, 24.73, 34.86],
  ['ReWatch-R1 + O&R', 40.43, 36.05, 43.88, 31.67, 25.51, 35.51],
].map(([model, vcr, minerva, holmes, math, counting, average]) => ({
  model: model as string,
  scores: {
    'vcr-bench': vcr as number,
    minerva: minerva as number,
    'video-holmes': holmes as number,
    videomathqa: math as number,
    'cg-av-counting': counting as number,
  },
  average: average as number,
}));
