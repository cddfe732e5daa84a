import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate } from '../../sdk/index.ts';
import { verdictReason } from '../judge.ts';
import { formatTimestamp } from '../timecode.ts';
import { DenseCaptionType, FilterVerdictType, QAType, type FilterVerdict } from '../types.ts';
import { joinOne } from './join.ts';

const DEFAULT_ANSWER_CHECK_PROMPT = `You check a question written about a video against the video's detailed, timestamped description.
Decide whether the description supports the answer: the question must be answerable from the description, and the
answer must be correct according to it (the evidence span says where to look).

Description:
{{caption}}

Question: {{question}}
Answer: {{answer}}
Evidence: {{evidence}}

Reply with JSON only: {"supported": true or false, "reason": "one short sentence"}`;

const answerCheckSchema = z.object({
  supported: z.boolean().describe('Whether the description makes the answer correct.'),
  reason: verdictReason,
});

const config = z.object({
  judge: providerField('judge-llm', 'Model that checks each answer against the dense caption.'),
  prompt: promptField(
    DEFAULT_ANSWER_CHECK_PROMPT,
    'Check prompt. `{{caption}}` is C_detail; `{{question}}`, `{{answer}}`, `{{type}}` come from the question, ' +
      '`{{evidence}}` is its span as MM:SS-MM:SS.',
  ),
});

export const answerFilter = defineMapNode({
  type: 'rewatch.answer-filter',
  version: 1,
  title: 'Answer verification (F1)',
  category: 'QA',
  description: 'F1: keeps the questions whose answer the dense caption supports, as a judge model sees it.',
  inputs: {
    qa: { type: QAType, description: 'Questions to check.' },
    captions: {
      type: DenseCaptionType,
      description: 'Dense captions (C_detail), joined by the question’s caption id.',
      join: { field: 'id', itemField: 'captionId' },
    },
  },
  outputs: {
    kept: { type: QAType, description: 'Questions whose answer is supported.' },
    verdicts: { type: FilterVerdictType, description: 'The judge’s verdict and reason for every question.' },
  },
  config,
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa, captions }, c) {
    const caption = joinOne(captions, 'id', qa.captionId, 'caption');
    const reply = await ctx.llm.completeJson(answerCheckSchema, {
      profile: c.judge,
      temperature: 0,
      messages: [
        {
          role: 'user',
          content: renderTemplate(c.prompt, {
            caption: caption.text,
            question: qa.question,
            answer: qa.answer,
            type: qa.type,
            evidence: `${formatTimestamp(qa.evidence.start)}-${formatTimestamp(qa.evidence.end)}`,
          }),
        },
      ],
    });
    const { supported, reason } = reply.value;
    const verdict: FilterVerdict = { qaId: qa.id, stage: 'F1', kept: supported, probes: [], accuracy: supported ? 1 : 0, reason };
    return supported ? { kept: [qa], verdicts: [verdict] } : { verdicts: [verdict] };
  },
});
