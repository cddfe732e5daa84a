import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defineOnceNode, pathField, promptField, providerField, writeAtomically } from '../../sdk/index.ts';
import { writeJsonDocument } from '../export/files.ts';
import {
  CoTType,
  DatasetType,
  DenseCaptionType,
  FilterVerdictType,
  MCQType,
  QAType,
  SegmentType,
  SummaryType,
  TrajectoryType,
  VideoType,
} from '../types.ts';
import { captionFigures } from './caption-figures.ts';
import { filterFigures } from './filter-figures.ts';
import { finalQuestions } from './final-questions.ts';
import { funnelFigures } from './funnel.ts';
import { reportMarkdown } from './markdown.ts';
import { questionFigures } from './question-figures.ts';
import { reasoningFigures } from './reasoning-figures.ts';
import { DEFAULT_TEXT_ONLY_PROMPT, probeTextOnly, textOnlyFigures } from './text-only-probe.ts';
import { DatasetReportType, type DatasetReport } from './types.ts';
import { tallyStages } from './verdict-stages.ts';

const config = z.object({
  outputDir: pathField('Folder dataset-report.json and dataset-report.md are written to; created as needed.'),
  probeTextOnly: z.boolean().default(true).meta({
    description: 'Ask a probe model the final multiple-choice questions without the video (the paper’s text-only accuracy).',
  }),
  probe: providerField('probe-text', 'The text-only probe model.'),
  probePrompt: promptField(
    DEFAULT_TEXT_ONLY_PROMPT,
    'Text-only probe prompt. `{{question}}` is the question with its options as `A. …` lines, `{{type}}` its type. ' +
      'The reply is graded by the option letter it names.',
  ),
  sampleSize: z.number().int().min(0).default(500).meta({
    description: 'Most questions the probe is asked, a seeded sample of the multiple-choice set; 0 asks every question.',
  }),
  seed: z.number().int().default(0).meta({ description: 'Seed of the probe’s sample.' }),
  concurrency: z.number().int().min(1).max(1024).default(16).meta({
    description: 'Probe questions asked at the same time.',
    'x-semantic': false,
  }),
});

const optional = <T>(type: T, description: string, multiple = false) =>
  ({ type, description, optional: true, ...(multiple ? { multiple: true } : {}) }) as const;

export const datasetReport = defineOnceNode({
  type: 'rewatch.dataset-report',
  version: 1,
  title: 'Dataset report',
  category: 'Export',
  description:
    'Computes what the paper reports about its data for this run (counts through the funnel, each filter’s probe ' +
    'accuracies and kept ratio, the question-type mix, caption density, steps per CoT, response length in tokens, ' +
    'a probe model’s text-only accuracy on the multiple-choice set) and writes each beside the paper’s figure as ' +
    'dataset-report.json and dataset-report.md. Every input is optional; a figure whose items are missing is left empty.',
  // It writes files: like the exports it runs on every run so the files always match the graph; the probe's LLM
  // requests are answered from the request cache when nothing changed.
  deterministic: false,
  inputs: {
    videos: optional(VideoType, 'Source videos.'),
    segments: optional(SegmentType, 'Segments.'),
    captions: optional(DenseCaptionType, 'Dense captions (C_detail).'),
    summaries: optional(SummaryType, 'Summaries (C_sum).'),
    qa: optional(QAType, 'Questions as generated, before the filters.'),
    verdicts: optional(FilterVerdictType, 'Verdicts of F1, F2 and F3 (one edge each).', true),
    mcq: optional(MCQType, 'The final multiple-choice questions; the text-only probe asks these.'),
    open: optional(QAType, 'The final open questions.'),
    trajectories: optional(TrajectoryType, 'Accepted ReAct trajectories.'),
    rejected: optional(TrajectoryType, 'Rejected ReAct trajectories.'),
    cots: optional(CoTType, 'Chains of thought.'),
    datasets: optional(DatasetType, 'Datasets of the SFT and GRPO exports (one edge each).', true),
  },
  outputs: {
    report: { type: DatasetReportType, description: 'One report: every figure beside the paper’s, and the files written.' },
  },
  config,
  async execute(ctx, inputs, c) {
    const stages = tallyStages(inputs.verdicts);
    const textOnly =
      c.probeTextOnly && inputs.mcq.count > 0
        ? await probeTextOnly(ctx, inputs.mcq, {
            probe: c.probe,
            prompt: c.probePrompt,
            sampleSize: c.sampleSize,
            seed: c.seed,
            concurrency: c.concurrency,
          })
        : null;
    const figures = [
      ...funnelFigures(inputs, stages),
      ...filterFigures(stages),
      ...questionFigures(finalQuestions(inputs.mcq, inputs.open)),
      ...captionFigures(inputs.captions),
      ...reasoningFigures(inputs.trajectories, inputs.rejected, inputs.cots),
      ...textOnlyFigures(textOnly),
    ];
    const outputDir = resolve(c.outputDir);
    const files = [
      await writeJsonDocument(join(outputDir, 'dataset-report.json'), { figures, textOnly }, ctx.signal),
      await writeAtomically(join(outputDir, 'dataset-report.md'), [reportMarkdown({ figures, textOnly })], 0, ctx.signal),
    ];
    const report: DatasetReport = { figures, textOnly, files };
    ctx.log.info(`${figures.length} figures written to ${outputDir}`);
    return { report: [report] };
  },
});
