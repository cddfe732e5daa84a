import { defineMapNode } from '../../sdk/index.ts';
import { SummaryType } from '../types.ts';
import { biasFilterConfig, biasFilterInput, biasFilterOutputs, probeQuestion } from './bias-probe.ts';
import { joinOne } from './join.ts';

const DEFAULT_SUMMARY_PROBE_PROMPT = `Here is a short summary of a video:
{{summary}}

Answer this question about the video in one short sentence. You cannot see the video: use the summary and give your
best guess.

Question: {{question}}`;

export const DEFAULT_SUMMARY_MC_PROBE_PROMPT = `Here is a short summary of a video:
{{summary}}

Answer this multiple-choice question about the video with the letter of one option. You cannot see the video: use the
summary and give your best guess.

Question: {{question}}
Options:
{{options}}`;

export const summaryBiasFilter = defineMapNode({
  type: 'rewatch.summary-bias-filter',
  // 2: the `questions` output (both forms in one stream); cached results of version 1 lack it.
  version: 2,
  migrations: { 1: (c) => c },
  title: 'Summary bias filter (F3)',
  category: 'QA',
  description:
    'F3: drops the questions that probe models answer from the question and the summary C_sum alone (for multiple ' +
    'choice: in the open form, or with its options).',
  inputs: {
    qa: biasFilterInput,
    summaries: {
      type: SummaryType,
      description: 'Summaries (C_sum), joined by the question’s caption id.',
      join: { field: 'captionId', itemField: 'captionId' },
    },
  },
  outputs: biasFilterOutputs,
  config: biasFilterConfig({
    open: {
      text: DEFAULT_SUMMARY_PROBE_PROMPT,
      description: 'Probe prompt (open form). `{{summary}}` is C_sum; `{{question}}` and `{{type}}` come from the question.',
    },
    multipleChoice: {
      text: DEFAULT_SUMMARY_MC_PROBE_PROMPT,
      description: 'Probe prompt (multiple-choice form). `{{summary}}`, `{{question}}`, `{{type}}` and `{{options}}` (as `A. text` lines).',
    },
  }),
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa, summaries }, c) {
    const summary = joinOne(summaries, 'captionId', qa.captionId, 'summary');
    return probeQuestion(ctx, qa, c, { stage: 'F3', had: 'from the summary alone', variables: { summary: summary.text } });
  },
});
