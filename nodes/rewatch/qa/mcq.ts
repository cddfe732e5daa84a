import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, type NodeContext } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { formatTimeRange } from '../reasoning/time-ranges.ts';
import { DenseCaptionType, MCQType, QAType, RejectedMCQType, type DenseCaption, type DistractorCheck, type MCQ, type QA } from '../types.ts';
import {
  checkDistractors,
  DEFAULT_DISTRACTOR_CHECK_PROMPT,
  DEFAULT_DISTRACTOR_REPLACE_PROMPT,
  distractorVerdictsSchema,
} from './distractor-check.ts';
import { joinOne } from './join.ts';
import { seededRandom, seedFromHex, shuffled } from './shuffle.ts';

const DEFAULT_DISTRACTOR_PROMPT = `Turn an open question about a video into a multiple-choice question.
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
  seed: z
    .number()
    .int()
    .default(0)
    .meta({ description: 'Seed of the distractor requests and of the option shuffle; each question’s order depends only on it and the question id.' }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature.' }),
  checkDistractors: z.boolean().default(true).meta({
    description: 'Ask a judge, with C_detail, whether each distractor is also a correct answer; such distractors are rewritten, then dropped.',
  }),
  judge: providerField('judge-llm', 'Model that checks the distractors against the dense caption.'),
  checkPrompt: promptField(
    DEFAULT_DISTRACTOR_CHECK_PROMPT,
    'Distractor check prompt. `{{caption}}` is C_detail; `{{question}}`, `{{answer}}`, `{{type}}` come from the question, ' +
      '`{{evidence}}` is its span as MM:SS-MM:SS, `{{distractors}}` the options to check as numbered lines.',
  ),
  replacePrompt: promptField(
    DEFAULT_DISTRACTOR_REPLACE_PROMPT,
    'Prompt that rewrites distractors found also correct. `{{question}}`, `{{answer}}`, `{{type}}`, `{{count}}` (how many ' +
      'to write), `{{kept}}` (the options kept so far) and `{{rejected}}` (each rejected option with the judge’s reason).',
  ),
  replaceRounds: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .meta({ description: 'How many times distractors found also correct are rewritten before they are dropped.' }),
  minOptions: z
    .number()
    .int()
    .min(2)
    .default(3)
    .meta({ description: 'Options (the answer included) a question needs after the check; with fewer it goes to `rejected`.' }),
});
type Config = z.output<typeof config>;

/** What the writer replies, to the first prompt and to the rewrite prompt alike. */
function distractorsSchema(count: number) {
  return z.object({ distractors: z.array(z.string().trim().min(1)).length(count) });
}

/** Options that differ only in case, spacing or final punctuation count as the same option. */
function normalized(option: string): string {
  return option.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!?]+$/, '');
}

/** Why the options cannot be used together (a distractor repeats the answer or another option), or undefined. */
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

const lines = (items: readonly string[], label: (i: number) => string) => items.map((item, i) => `${label(i)}${item}`).join('\n');

/**
 * `count` distractors from the writer for `prompt`, distinct from the answer and from `alongside` (the distractors
 * they will sit with); a repeat is the item's error, with the raw reply.
 */
async function writeDistractors(ctx: NodeContext, c: Config, qa: QA, prompt: string, count: number, alongside: readonly string[] = []) {
  const reply = await ctx.llm.completeJson(distractorsSchema(count), {
    profile: c.provider,
    temperature: c.temperature,
    seed: c.seed,
    messages: [{ role: 'user', content: prompt }],
  });
  const { distractors } = reply.value;
  const problem = distractorProblem(qa.answer, [...alongside, ...distractors]);
  if (problem) throw Object.assign(new Error(`question ${qa.id}: ${problem}`), { raw: reply.raw });
  return distractors;
}

async function judgeDistractors(ctx: NodeContext, c: Config, qa: QA, caption: DenseCaption, distractors: readonly string[]) {
  const reply = await ctx.llm.completeJson(distractorVerdictsSchema(distractors.length), {
    profile: c.judge,
    temperature: 0,
    messages: [
      {
        role: 'user',
        content: renderTemplate(c.checkPrompt, {
          caption: caption.text,
          question: qa.question,
          answer: qa.answer,
          type: qa.type,
          evidence: formatTimeRange(qa.evidence),
          distractors: lines(distractors, (i) => `${i + 1}. `),
        }),
      },
    ],
  });
  return reply.value.checks;
}

function multipleChoice(qa: QA, distractors: readonly string[], seed: number, distractorChecks?: DistractorCheck[]): MCQ {
  // Seeded per question, so an item's order depends neither on the others nor on the order they run in.
  const options = shuffled([qa.answer, ...distractors], seededRandom(seedFromHex(stableId(seed, qa.id))));
  return {
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
    ...(distractorChecks && { distractorChecks }),
  };
}

export const mcqReformulation = defineMapNode({
  type: 'rewatch.mcq',
  version: 1,
  title: 'Multiple-choice reformulation',
  category: 'QA',
  description:
    'Turns each open question into a multiple-choice one (answer plus model-written distractors, shuffled by a seed), ' +
    'has a judge check each distractor against the dense caption (rewriting, then dropping, those that are also ' +
    'correct) and passes the open form on as well.',
  inputs: {
    qa: { type: QAType, description: 'Open questions.' },
    captions: {
      type: DenseCaptionType,
      description: 'Dense captions (C_detail) the distractors are checked against, joined by caption id.',
      join: { field: 'id', itemField: 'captionId' },
    },
  },
  outputs: {
    mcq: { type: MCQType, description: 'Multiple-choice questions with the correct letter; `open` holds the source question.' },
    open: { type: QAType, description: 'The open form of every multiple-choice question written, unchanged.' },
    rejected: { type: RejectedMCQType, description: 'Questions left with fewer than `minOptions` options after the check, with the reason.' },
  },
  config,
  over: 'qa',
  concurrency: 16,
  async execute(ctx, { qa, captions }, c) {
    if (c.minOptions > c.distractors + 1) {
      throw new Error(`minOptions (${c.minOptions}) is more than the ${c.distractors + 1} options a question gets (distractors + 1)`);
    }
    const variables = { question: qa.question, answer: qa.answer, type: qa.type };
    const written = await writeDistractors(ctx, c, qa, renderTemplate(c.prompt, { ...variables, count: c.distractors }), c.distractors);
    if (!c.checkDistractors) return { mcq: [multipleChoice(qa, written, c.seed)], open: [qa] };

    const caption = joinOne(captions, 'id', qa.captionId, 'caption');
    const checked = await checkDistractors({
      initial: written,
      rounds: c.replaceRounds,
      check: (distractors) => judgeDistractors(ctx, c, qa, caption, distractors),
      replace: (count, kept, rejected) => {
        const prompt = renderTemplate(c.replacePrompt, {
          ...variables,
          count,
          kept: lines([qa.answer, ...kept], () => '- '),
          rejected: lines(rejected.map((r) => `${r.text}: ${r.reason}`), () => '- '),
        });
        return writeDistractors(ctx, c, qa, prompt, count, kept);
      },
    });
    const optionCount = 1 + checked.kept.length;
    if (optionCount < c.minOptions) {
      const why = checked.dropped.map((d) => `"${d.text}" is also correct (${d.reason})`).join('; ');
      const reason = `only ${optionCount} of the ${c.minOptions} options needed remain after ${c.replaceRounds} rewrite${c.replaceRounds === 1 ? '' : 's'}: ${why}`;
      return { rejected: [{ qaId: qa.id, open: qa, options: [qa.answer, ...checked.kept], distractorChecks: checked.checks, reason }] };
    }
    return { mcq: [multipleChoice(qa, checked.kept, c.seed, checked.checks)], open: [qa] };
  },
});
