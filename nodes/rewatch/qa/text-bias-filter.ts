import { defineMapNode, renderTemplate } from '../../sdk/index.ts';
import { QAType } from '../types.ts';
import { biasFilterConfig, biasFilterOutputs, probeQuestion } from './bias-probe.ts';

export const DEFAULT_TEXT_PROBE_PROMPT = `Answer this question about a video. You cannot see the video: give your best guess anyway,
in one short sentence.

Question: {{question}}`;

export const textBiasFilter = defineMapNode({
  type: 'rewatch.text-bias-filter',
  version: 1,
  title: 'Text bias filter (F2)',
  category: 'QA',
  description: 'F2: drops the questions that probe models answer from the question alone, without the video.',
  inputs: { qa: { type: QAType, description: 'Questions to probe.' } },
  outputs: biasFilterOutputs,
  config: biasFilterConfig(DEFAULT_TEXT_PROBE_PROMPT, 'Probe prompt. `{{question}}` and `{{type}}` come from the question.'),
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa }, c) {
    const prompt = renderTemplate(c.prompt, { question: qa.question, type: qa.type });
    return probeQuestion(ctx, qa, prompt, c, 'F2', 'without the video');
  },
});
