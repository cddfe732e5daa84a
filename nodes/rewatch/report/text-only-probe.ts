import pLimit from 'p-limit';
import { renderTemplate, type ItemCollection, type NodeContext } from '../../sdk/index.ts';
import { seededOrder } from '../export/sampling.ts';
import { parseChoice } from '../answers/choice.ts';
import { renderQuestion } from '../reasoning/question-text.ts';
import type { MCQ } from '../types.ts';
import { figure, percent, plural } from './figure.ts';
import { PAPER } from './paper.ts';
import type { ReportFigure, TextOnlyProbe } from './types.ts';

export const DEFAULT_TEXT_ONLY_PROMPT = `Answer this multiple-choice question about a video. You cannot see the video: pick the most likely option anyway.
Reply with the letter of one option only.

Question: {{question}}`;

interface TextOnlySettings {
  probe: string;
  prompt: string;
  /** Questions asked at most, chosen by `seed`; 0 asks them all. */
  sampleSize: number;
  seed: number;
  concurrency: number;
}

type Outcome =
  | { kind: 'graded'; reply: string; choice: ReturnType<typeof parseChoice> }
  | { kind: 'failed'; error: string; raw?: string };

async function ask(ctx: NodeContext, mcq: MCQ, s: TextOnlySettings): Promise<Outcome> {
  try {
    const reply = await ctx.llm.complete({
      profile: s.probe,
      temperature: 0,
      messages: [{ role: 'user', content: renderTemplate(s.prompt, { question: renderQuestion(mcq.question, mcq.options), type: mcq.type }) }],
    });
    return { kind: 'graded', reply: reply.text, choice: parseChoice(reply.text, mcq.options) };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const raw = (error as { raw?: unknown }).raw;
    return { kind: 'failed', error: (error as Error).message, ...(typeof raw === 'string' ? { raw } : {}) };
  }
}

/**
 * The paper's text-only accuracy: a probe model answers the final multiple-choice questions without the video, graded
 * by option letter. A reply naming no option counts wrong and is kept; a request that fails is left out and kept.
 */
export async function probeTextOnly(ctx: NodeContext, questions: ItemCollection<MCQ>, s: TextOnlySettings): Promise<TextOnlyProbe> {
  const ordered = seededOrder(questions.toArray(), (q) => q.id, s.seed, 'dataset-report:text-only');
  const sample = s.sampleSize > 0 ? ordered.slice(0, s.sampleSize) : ordered;
  const limit = pLimit(s.concurrency);
  let done = 0;
  const outcomes = await Promise.all(
    sample.map((mcq) =>
      limit(async () => {
        const outcome = await ask(ctx, mcq, s);
        ctx.progress.update(++done, sample.length);
        return { mcq, outcome };
      }),
    ),
  );
  const result: TextOnlyProbe = { probe: s.probe, questions: questions.count, asked: sample.length, correct: 0, unparsable: [], failed: [] };
  for (const { mcq, outcome } of outcomes) {
    if (outcome.kind === 'failed') {
      ctx.log.warn(`text-only probe, question ${mcq.id}: ${outcome.error}`);
      result.failed.push({ questionId: mcq.id, error: outcome.error, ...(outcome.raw !== undefined ? { raw: outcome.raw } : {}) });
    } else if (outcome.choice.kind === 'none') {
      result.unparsable.push({ questionId: mcq.id, reply: outcome.reply, reason: outcome.choice.reason });
    } else if (outcome.choice.letter === mcq.answer) {
      result.correct += 1;
    }
  }
  return result;
}

export function textOnlyFigures(probe: TextOnlyProbe | null): ReportFigure[] {
  const answered = probe ? probe.asked - probe.failed.length : 0;
  const basis = probe
    ? `${probe.probe}: ${probe.correct.toLocaleString('en-US')} of ${plural(answered, 'answer')} correct, ` +
      `${probe.unparsable.length.toLocaleString('en-US')} naming no option (counted wrong), ` +
      `${probe.failed.length.toLocaleString('en-US')} failed; ${probe.asked.toLocaleString('en-US')} of ` +
      `${plural(probe.questions, 'multiple-choice question')} asked`
    : 'not probed (turned off, or no multiple-choice questions given)';
  return [
    figure('probe', {
      id: 'text-only-accuracy',
      label: 'Text-only accuracy on the multiple-choice set',
      unit: 'percent',
      value: probe ? percent(probe.correct, answered) : null,
      basis,
      paper: PAPER.textOnlyAccuracy,
    }),
  ];
}
