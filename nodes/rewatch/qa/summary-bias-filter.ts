import { defineMapNode, renderTemplate } from '../../sdk/index.ts';
import { QAType, SummaryType } from '../types.ts';
import { biasFilterConfig, biasFilterOutputs, probeQuestion } from './bias-probe.ts';
import { joinOne } from './join.ts';

export const DEFAULT_SUMMARY_PROBE_PROMPT = `Here is a short summary of a video:
{{summary}}

Answer this question about the video in one short sentence. You cannot see the video: use the summary and give your
best guess.

Question: {{question}}`;

export const summaryBiasFilter = defineMapNode({
  type: 'rewatch.summary-bias-filter',
  version: 1,
  title: 'Summary bias filter (F3)',
  category: 'QA',
  description: 'F3: drops the questions that probe models answer from the question and the summary C_sum alone.',
  inputs: {
    qa: { type: QAType, description: 'Questions to probe.' },
    summaries: { type: SummaryType, description: 'Summaries (C_sum), joined by the question’s caption id.' },
  },
  outputs: biasFilterOutputs,
  config: biasFilterConfig(
    DEFAULT_SUMMARY_PROBE_PROMPT,
    'Probe prompt. `{{summary}}` is C_sum; `{{question}}` and `{{type}}` come from the question.',
  ),
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa, summaries }, c) {
    const summary = joinOne(summaries, 'captionId', qa.captionId, 'summary');
    const prompt = renderTemplate(c.prompt, { question: qa.question, type: qa.type, summary: summary.text });
    return probeQuestion(ctx, qa, prompt, c, 'F3', 'from the summary alone');
  },
});
