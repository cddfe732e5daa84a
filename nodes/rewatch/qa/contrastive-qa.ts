import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, seedField } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { formatTimestamp, parseTimestamp } from '../timecode.ts';
import { DenseCaptionType, QAType, QUESTION_TYPES, SummaryType, type QA, type QuestionType } from '../types.ts';
import { joinOne } from './join.ts';

export const DEFAULT_QA_PROMPT = `You write hard questions about a video. You get two descriptions of the same video:
a DETAILED description with timestamps, and a SUMMARY of it.

Write {{count}} questions that can be answered from the DETAILED description but NOT from the SUMMARY:
each must depend on a fine detail (an exact moment, a count, text on screen, a position, a change) that the summary leaves out.
Spread the questions over these types, using as many different types as you can:
{{types}}

For each question give a short, unambiguous answer taken from the detailed description, its type (exactly one of the
types above) and the evidence span of the detailed description it relies on, as "MM:SS-MM:SS".

DETAILED description (the video is {{duration}} long):
{{caption}}

SUMMARY:
{{summary}}

Reply with JSON only: {"questions": [{"question": "...", "answer": "...", "type": "...", "evidence": "MM:SS-MM:SS"}]}`;

const EVIDENCE_SPAN = /^\s*\d{1,3}:\d{2}\s*-\s*\d{1,3}:\d{2}\s*$/;

/**
 * What M_qa replies. A question whose type was not asked for, or whose span is not a time of the video, is dropped
 * on its own (with a warning) rather than failing the whole reply, so those checks stay in `checkQuestion`.
 */
export const generatedQuestionsSchema = z.object({
  questions: z
    .array(
      z.object({
        question: z.string().trim().min(1),
        answer: z.string().trim().min(1).describe('Short and unambiguous, taken from the detailed description.'),
        type: z.enum(QUESTION_TYPES),
        evidence: z.string().regex(EVIDENCE_SPAN).describe('The span of the detailed description the answer relies on, as MM:SS-MM:SS.'),
      }),
    )
    .min(1),
});

type GeneratedQuestion = z.output<typeof generatedQuestionsSchema>['questions'][number];

const config = z.object({
  provider: providerField('qa-llm', 'Model that writes the questions (M_qa).'),
  prompt: promptField(
    DEFAULT_QA_PROMPT,
    'Question prompt. `{{caption}}` is C_detail, `{{summary}}` C_sum, `{{count}}` the number of questions, ' +
      '`{{types}}` the question types (one per line), `{{duration}}` the video length as MM:SS.',
  ),
  count: z.number().int().min(1).max(50).default(8).meta({ description: 'Questions asked for per caption.' }),
  types: z
    .array(z.enum(QUESTION_TYPES))
    .min(1)
    .default([...QUESTION_TYPES])
    .meta({ description: 'Question types to spread the questions over; questions of other types are dropped.' }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature.' }),
  seed: seedField(),
});

/** `MM:SS-MM:SS` as seconds, or undefined when a time is not a valid timestamp. */
function parseEvidence(text: string): { start: number; end: number } | undefined {
  const [start, end] = text.split('-').map((part) => parseTimestamp(part));
  return start === undefined || end === undefined ? undefined : { start, end };
}

/** The question's evidence in seconds, or why the question cannot be kept. */
function checkQuestion(
  q: GeneratedQuestion,
  duration: number,
  types: readonly QuestionType[],
): { span: { start: number; end: number } } | { problem: string } {
  if (!types.includes(q.type)) return { problem: `its type "${q.type}" was not asked for` };
  const span = parseEvidence(q.evidence);
  if (!span) return { problem: `its evidence "${q.evidence}" is not a valid MM:SS-MM:SS span` };
  if (span.end < span.start) return { problem: `its evidence "${q.evidence}" ends before it starts` };
  // Timestamps have whole-second resolution, so the last second of the video may be written rounded up.
  if (span.end > Math.ceil(duration)) {
    return { problem: `its evidence "${q.evidence}" lies outside the video (${formatTimestamp(duration)} long)` };
  }
  return { span: { start: Math.min(span.start, duration), end: Math.min(span.end, duration) } };
}

export const contrastiveQa = defineMapNode({
  type: 'rewatch.contrastive-qa',
  version: 1,
  title: 'Contrastive QA',
  category: 'QA',
  description:
    'M_qa(C_detail, C_sum): questions answerable from the dense caption but not from its summary, spread over the ' +
    'question types, each with its answer and evidence span.',
  inputs: {
    captions: { type: DenseCaptionType, description: 'Dense captions (C_detail).' },
    summaries: { type: SummaryType, description: 'Their summaries (C_sum), joined by caption id.', join: { field: 'captionId', itemField: 'id' } },
  },
  outputs: { qa: { type: QAType, description: 'Open questions with answer, type and evidence in seconds.' } },
  config,
  over: 'captions',
  concurrency: 16,
  async execute(ctx, { captions: caption, summaries }, c) {
    const summary = joinOne(summaries, 'captionId', caption.id, 'summary');
    const prompt = renderTemplate(c.prompt, {
      caption: caption.text,
      summary: summary.text,
      count: c.count,
      types: c.types.map((type) => `- ${type}`).join('\n'),
      duration: formatTimestamp(caption.duration),
    });
    const reply = await ctx.llm.completeJson(generatedQuestionsSchema, {
      profile: c.provider,
      temperature: c.temperature,
      seed: c.seed,
      messages: [{ role: 'user', content: prompt }],
    });

    const qa: QA[] = [];
    const seen = new Set<string>();
    for (const q of reply.value.questions) {
      const id = stableId(caption.videoId, q.question);
      const checked = seen.has(id) ? { problem: 'it repeats an earlier question' } : checkQuestion(q, caption.duration, c.types);
      if ('problem' in checked) {
        ctx.log.warn(`caption ${caption.id}: dropped question "${q.question}": ${checked.problem}`);
        continue;
      }
      seen.add(id);
      qa.push({
        id,
        videoId: caption.videoId,
        videoPath: caption.videoPath,
        captionId: caption.id,
        question: q.question,
        answer: q.answer,
        type: q.type,
        evidence: checked.span,
      });
    }
    return { qa };
  },
});
