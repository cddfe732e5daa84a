import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { MCQType, QAType, type MCQ } from '../types.ts';
import { seededRandom, seedFromHex, shuffled } from './shuffle.ts';

export const DEFAULT_DISTRACTOR_PROMPT = `Turn an open question about a video into a multiple-choice question.
Write {{count}} wrong options (distractors): plausible to someone who has not watched the video, of the same kind and
length as the correct answer, clearly different from it and from each other.

Question: {{question}}
Correct answer: {{answer}}

Reply with JSON only: {"distractors": ["...", "..."]}`;

const config = z.object({
  provider: providerField('qa-llm', 'Model that writes the wrong options.'),
  prompt: promptField(
    DEFAULT_DISTRACTOR_PROMPT,
    'Distractor prompt. `{{question}}`, `{{answer}}` and `{{type}}` come from the question, `{{count}}` is the number of distractors.',
  ),
  distractors: z.number().int().min(1).max(25).default(3).meta({ description: 'Wrong options per question.' }),
  seed: z.number().int().default(0).meta({ description: 'Seed of the option shuffle; each question’s order depends only on it and the question id.' }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature.' }),
});

/** Options that differ only in case, spacing or final punctuation count as the same option. */
function normalized(option: string): string {
  return option.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!?]+$/, '');
}

/** Why the distractors cannot be used (one repeats the answer or another distractor), or undefined. */
function distractorProblem(answer: string, distractors: readonly string[]): string | undefined {
  const seen = new Set([normalized(answer)]);
  for (const distractor of distractors) {
    const key = normalized(distractor);
    if (key === normalized(answer)) return `distractor "${distractor}" repeats the correct answer`;
    if (seen.has(key)) return `distractor "${distractor}" appears twice`;
    seen.add(key);
  }
  return undefined;
}

export const mcqReformulation = defineMapNode({
  type: 'rewatch.mcq',
  version: 1,
  title: 'Multiple-choice reformulation',
  category: 'QA',
  description:
    'Turns each open question into a multiple-choice one (answer plus model-written distractors, shuffled by a seed) ' +
    'and passes the open form on as well.',
  inputs: { qa: { type: QAType, description: 'Open questions.' } },
  outputs: {
    mcq: { type: MCQType, description: 'Multiple-choice questions with the correct letter; `open` holds the source question.' },
    open: { type: QAType, description: 'The open questions, unchanged.' },
  },
  config,
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa }, c) {
    const reply = await ctx.llm.complete({
      profile: c.provider,
      temperature: c.temperature,
      messages: [
        {
          role: 'user',
          content: renderTemplate(c.prompt, { question: qa.question, answer: qa.answer, type: qa.type, count: c.distractors }),
        },
      ],
      jsonSchema: {
        type: 'object',
        properties: {
          distractors: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            minItems: c.distractors,
            maxItems: c.distractors,
          },
        },
        required: ['distractors'],
      },
    });
    const { distractors } = reply.json as { distractors: string[] };
    const problem = distractorProblem(qa.answer, distractors);
    if (problem) throw Object.assign(new Error(`question ${qa.id}: ${problem}`), { raw: reply.raw });

    // Seeded per question, so an item's order depends neither on the others nor on the order they run in.
    const options = shuffled([qa.answer, ...distractors], seededRandom(seedFromHex(stableId(c.seed, qa.id))));
    const mcq: MCQ = {
      id: stableId('mcq', qa.id),
      qaId: qa.id,
      videoId: qa.videoId,
      videoPath: qa.videoPath,
      captionId: qa.captionId,
      type: qa.type,
      question: qa.question,
      options,
      answer: String.fromCharCode(65 + options.indexOf(qa.answer)),
      open: qa,
    };
    return { mcq: [mcq], open: [qa] };
  },
});
