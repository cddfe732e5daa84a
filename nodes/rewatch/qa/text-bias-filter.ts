import { defineMapNode } from '../../sdk/index.ts';
import { biasFilterConfig, biasFilterInput, biasFilterOutputs, probeQuestion } from './bias-probe.ts';

export const DEFAULT_TEXT_PROBE_PROMPT = `Answer this question about a video. You cannot see the video: give your best guess anyway,
in one short sentence.

Question: {{question}}`;

export const DEFAULT_TEXT_MC_PROBE_PROMPT = `Answer this multiple-choice question about a video. You cannot see the video: give your best
guess anyway, with the letter of one option.

Question: {{question}}
Options:
{{options}}`;

export const textBiasFilter = defineMapNode({
  type: 'rewatch.text-bias-filter',
  // 2: the `questions` output (both forms in one stream); cached results of version 1 lack it.
  version: 2,
  migrations: { 1: (c) => c },
  title: 'Text bias filter (F2)',
  category: 'QA',
  description:
    'F2: drops the questions that probe models answer from the question alone, without the video (for multiple ' +
    'choice: from the open question, or from the question and its options).',
  inputs: { qa: biasFilterInput },
  outputs: biasFilterOutputs,
  config: biasFilterConfig({
    open: { text: DEFAULT_TEXT_PROBE_PROMPT, description: 'Probe prompt (open form). `{{question}}` and `{{type}}` come from the question.' },
    multipleChoice: {
      text: DEFAULT_TEXT_MC_PROBE_PROMPT,
      description: 'Probe prompt (multiple-choice form). `{{question}}`, `{{type}}` and `{{options}}` (as `A. text` lines).',
    },
  }),
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa }, c) {
    return probeQuestion(ctx, qa, c, { stage: 'F2', had: 'without the video', variables: {} });
  },
});
