/**
 * The shared core of the bias filters F2 (probes see the question alone) and F3 (the question and C_sum): a question
 * is kept only if the probes' mean accuracy stays below θ, i.e. it cannot be answered without watching the video.
 * A multiple-choice question is probed in both forms: its open form, and (unless turned off) the question with its
 * options, since options alone can give an answer away; it is kept only when neither form reaches θ.
 */
import { z } from 'zod';
import { promptField, providerField, renderTemplate, type LlmGateway, type NodeContext } from '../../sdk/index.ts';
import { parseChoice } from '../answers/choice.ts';
import { DEFAULT_JUDGE_PROMPT, judgeAnswer } from '../judge.ts';
import { renderOptions } from '../reasoning/question-text.ts';
import { AnyQuestionType, FilterVerdictType, QAType, type FilterVerdict, type MCQ, type QA } from '../types.ts';

interface GradedQuestion {
  question: string;
  /** The reference: the option letter when `options` are given, else the open answer. */
  answer: string;
  options?: readonly string[];
}

interface JudgeSettings {
  profile: string;
  prompt: string;
}

interface ProbeGrade {
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

/** What a filter shows its probes, by form, and how its prompt fields describe their variables. */
interface BiasFilterPrompts {
  open: { text: string; description: string };
  multipleChoice: { text: string; description: string };
}

export function biasFilterConfig(prompts: BiasFilterPrompts) {
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
    prompt: promptField(prompts.open.text, prompts.open.description),
    probeMultipleChoice: z.boolean().default(true).meta({
      description:
        'For multiple-choice input: also probe the question with its options (graded by letter); it is kept only when ' +
        'neither the open nor the multiple-choice form reaches θ.',
    }),
    mcPrompt: promptField(prompts.multipleChoice.text, prompts.multipleChoice.description),
    judge: providerField('judge-llm', 'Model that grades the probes’ open answers against the reference answer.'),
    judgePrompt: promptField(
      DEFAULT_JUDGE_PROMPT,
      'Grading prompt. `{{question}}`, `{{reference}}` (the answer) and `{{candidate}}` (a probe’s answer).',
    ),
  });
}
type BiasFilterConfig = z.output<ReturnType<typeof biasFilterConfig>>;

export const biasFilterInput = {
  type: AnyQuestionType,
  description: 'Questions to probe: open (QA) or multiple choice (MCQ, probed in both forms).',
};

export const biasFilterOutputs = {
  kept: {
    type: AnyQuestionType,
    description: 'Questions the probes could not answer well enough without the video, in the form they came in.',
    sameTypeAs: 'qa',
  },
  open: { type: QAType, description: 'The open form of every kept question (for open input, the question itself).' },
  questions: {
    type: AnyQuestionType,
    description:
      'Every kept question in both forms, one after the other (the multiple-choice form, then its open form): one ' +
      'stream for a node that takes both, such as ReAct, so that neither form waits for the other to end.',
  },
  verdicts: { type: FilterVerdictType, description: 'Every probe’s answer and correctness, the accuracy and the decision.' },
};

function isMultipleChoice(question: QA | MCQ): question is MCQ {
  return 'options' in question;
}

type ProbeAnswer = FilterVerdict['probes'][number];

interface ProbeRound {
  probes: ProbeAnswer[];
  correct: number;
  accuracy: number;
}

/** Asks every probe `prompt` and grades each reply against `graded`. */
async function askProbes(ctx: NodeContext, c: BiasFilterConfig, prompt: string, graded: GradedQuestion): Promise<ProbeRound> {
  const judge = { profile: c.judge, prompt: c.judgePrompt };
  const probes = await Promise.all(
    c.probes.map(async (probe) => {
      const reply = await ctx.llm.complete({ profile: probe, temperature: 0, messages: [{ role: 'user', content: prompt }] });
      return { probe, answer: reply.text, ...(await answeredCorrectly(ctx.llm, judge, graded, reply.text)) };
    }),
  );
  const correct = probes.filter((p) => p.correct).length;
  return { probes, correct, accuracy: correct / probes.length };
}

interface ProbeSetting {
  stage: 'F2' | 'F3';
  /** What the probes had, for the verdict's reason ("without the video"). */
  had: string;
  /** Template variables beyond the question's own (`{{summary}}` for F3). */
  variables: Record<string, unknown>;
}

/**
 * Probes the open form of `question` (and its MC form, when it has one and `probeMultipleChoice` is on) and applies
 * "keep if mean accuracy < θ" to each.
 */
export async function probeQuestion(
  ctx: NodeContext,
  question: QA | MCQ,
  c: BiasFilterConfig,
  setting: ProbeSetting,
): Promise<{ kept?: Array<QA | MCQ>; open?: QA[]; questions?: Array<QA | MCQ>; verdicts: FilterVerdict[] }> {
  const open = isMultipleChoice(question) ? question.open : question;
  const mcq = isMultipleChoice(question) && c.probeMultipleChoice ? question : undefined;
  const openPrompt = renderTemplate(c.prompt, { ...setting.variables, question: open.question, type: open.type });
  const [openRound, mcRound] = await Promise.all([
    askProbes(ctx, c, openPrompt, open),
    mcq &&
      askProbes(
        ctx,
        c,
        renderTemplate(c.mcPrompt, { ...setting.variables, question: mcq.question, type: mcq.type, options: renderOptions(mcq.options) }),
        mcq,
      ),
  ]);
  const openSays = `${openRound.correct}/${openRound.probes.length} probes answered correctly ${setting.had}`;
  const verdict: FilterVerdict = {
    qaId: open.id,
    stage: setting.stage,
    kept: openRound.accuracy < c.threshold && (!mcRound || mcRound.accuracy < c.threshold),
    probes: openRound.probes,
    accuracy: openRound.accuracy,
    reason: mcRound
      ? `open form: ${openSays}; multiple choice: ${mcRound.correct}/${mcRound.probes.length} probes chose the correct option ${setting.had}`
      : openSays,
    ...(mcRound && { mcProbes: mcRound.probes, mcAccuracy: mcRound.accuracy }),
  };
  if (!verdict.kept) return { verdicts: [verdict] };
  return { kept: [question], open: [open], questions: isMultipleChoice(question) ? [question, open] : [question], verdicts: [verdict] };
}
