import type { PaperFigure } from './types.ts';

/**
 * What the ReWatch-R1 paper (ICLR 2026) reports about its data, each figure with where it is stated. Sources: the
 * paper summary the project follows (shared/paper/ReWatch-R1.md, "summary") and the paper details gathered in
 * shared/reference/formats.md ("formats.md"). A figure the paper does not give is absent from this table; the report
 * says so instead of inventing one.
 */
export const PAPER = {
  captions: {
    value: 10_000,
    source: 'summary, Overall Architecture: "ReWatch-Caption-10k"',
  },
  questions: {
    value: 85_000,
    source: 'summary, Key Design 2: "The resulting 85k questions are reformulated into 170k multiple-choice QA pairs"',
  },
  multipleChoice: {
    value: 85_800,
    source: 'formats.md, Paper details: "~85.8k multiple-choice + ~85.1k open-ended over ~11k videos"',
  },
  open: {
    value: 85_100,
    source: 'formats.md, Paper details: "~85.8k multiple-choice + ~85.1k open-ended over ~11k videos"',
  },
  qaPairs: {
    value: 170_900,
    source: 'ReWatch-QA-170k: ~85.8k multiple-choice + ~85.1k open-ended (formats.md, Paper details)',
  },
  questionVideos: {
    value: 11_000,
    source: 'formats.md, Paper details: "over ~11k videos"',
  },
  questionTypes: {
    value: 10,
    source: 'formats.md, Paper details: "Question types (10)"',
  },
  cots: {
    value: 135_000,
    source: 'summary, Overall Architecture: "ReWatch-CoT-135k"',
  },
  stepsMean: {
    value: 2.3,
    source: 'formats.md, Paper details: "135k CoTs, 2.3 steps on average (max 11)"',
  },
  stepsMax: {
    value: 11,
    source: 'formats.md, Paper details: "135k CoTs, 2.3 steps on average (max 11)"',
  },
  actionsOnQa: {
    value: 3.31,
    source: 'summary, Key Findings: "ReWatch-QA averages 3.31 actions"',
    note: 'measured on the responses of the policy trained by RL on ReWatch-QA, not on the synthesized CoTs',
  },
  responseTokens: {
    value: 398.75,
    source: 'summary, Key Findings: "longer responses (398.75 vs 205.74)"',
    contrast: { label: 'Video-R1-QA', value: 205.74 },
    note: 'measured on the responses of the policy trained by RL on each QA set, not on the synthesized CoTs',
  },
  textOnlyAccuracy: {
    value: 29.4,
    source: 'summary, Key Findings: "Its text-only accuracy is only 29.4% (vs 68.9% for Video-R1-QA)"',
    contrast: { label: 'Video-R1-QA', value: 68.9 },
  },
} as const satisfies Record<string, PaperFigure>;
