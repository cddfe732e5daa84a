/**
 * The shared core of the bias filters F2 (probes see the question alone) and F3 (the question and C_sum): a question
 * is kept only if the probes' mean accuracy stays below θ, i.e. it cannot be answered without watching the video.
 */
import { z } from 'zod';
import { promptField, providerField, type LlmGateway, type NodeContext } from '../../sdk/index.ts';
import { parseChoice } from '../answers/choice.ts';
import { DEFAULT_JUDGE_PROMPT, judgeAnswer } from '../judge.ts';
import { FilterVerdictType, QAType, type FilterVerdict, type QA } from '../types.ts';

export interface GradedQuestion {
  question: string;
  /** The reference: the option letter when `options` are given, else the open answer. */
  answer: string;
  options?: readonly string[];
}

export interface JudgeSettings {
  profile: string;
  prompt: string;
}

export interface ProbeGrade {
  correct: boolean;
  /** The option the reply was read as choosing (or why none could be read), or the judge's reason. */
  reason: string;
}

/** The correctness rule of the filters: the chosen option for multiple choice, the judge's verdict for open answers. */
export async function answeredCorrectly(
  llm: LlmGateway,
  judge: JudgeSettings,
  item: GradedQuestion,
  reply: string,
): Promise<ProbeGrade> {
  if (item.options?.length) {
    const choice = parseChoice(reply, item.options);
    if (choice.kind === 'none') return { correct: false, reason: `no option chosen: ${choice.reason}` };
    return { correct: choice.letter === item.answer, reason: `chose ${choice.letter}, the answer is ${item.answer}` };
  }
  const verdict = await judgeAnswer(llm, {
    profile: judge.profile,
    prompt: judge.prompt,
    question: item.question,
    reference: item.answer,
    candidate: reply,
  });
  return { correct: verdict.correct, reason: verdict.reason };
}

export function biasFilterConfig(defaultPrompt: string, promptDescription: string) {
  return z.object({
    probes: z
      .array(providerField('probe-text', 'A probe model.'))
      .min(1)
      .default(['probe-text', 'probe-vlm'])
      .meta({ description: 'Probe models (provider profiles) that try to answer each question without the video.' }),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .meta({ description: 'θ: a question is kept when the probes’ mean accuracy is below it (1: dropped only if every probe is right).' }),
    prompt: promptField(defaultPrompt, promptDescription),
    judge: providerField('judge-llm', 'Model that grades the probes’ open answers against the reference answer.'),
    judgePrompt: promptField(
      DEFAULT_JUDGE_PROMPT,
      'Grading prompt. `{{question}}`, `{{reference}}` (the answer) and `{{candidate}}` (a probe’s answer).',
    ),
  });
}
export type BiasFilterConfig = z.output<ReturnType<typeof biasFilterConfig>>;

export const biasFilterOutputs = {
  kept: { type: QAType, description: 'Questions the probes could not answer well enough without the video.' },
  verdicts: { type: FilterVerdictType, description: 'Every probe’s answer and correctness, the accuracy and the decision.' },
};

/**
 * Asks every probe `prompt` (the question as this filter shows it), grades the answers and applies
 * "keep if mean accuracy < θ". `setting` says what the probes had, for the verdict's reason.
 */
export async function probeQuestion(
  ctx: NodeContext,
  qa: QA,
  prompt: string,
  c: BiasFilterConfig,
  stage: 'F2' | 'F3',
  setting: string,
): Promise<{ kept?: QA[]; verdicts: FilterVerdict[] }> {
  const judge = { profile: c.judge, prompt: c.judgePrompt };
  const probes = await Promise.all(
    c.probes.map(async (probe) => {
      const reply = await ctx.llm.complete({ profile: probe, temperature: 0, messages: [{ role: 'user', content: prompt }] });
      return { probe, answer: reply.text, ...(await answeredCorrectly(ctx.llm, judge, qa, reply.text)) };
    }),
  );
  const correct = probes.filter((p) => p.correct).length;
  const accuracy = correct / probes.length;
  const kept = accuracy < c.threshold;
  const reason = `${correct}/${probes.length} probes answered correctly ${setting}`;
  const verdict: FilterVerdict = { qaId: qa.id, stage, kept, probes, accuracy, reason };
  return kept ? { kept: [qa], verdicts: [verdict] } : { verdicts: [verdict] };
}
