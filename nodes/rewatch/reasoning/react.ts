import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, type NodeContext } from '../../sdk/index.ts';
import { DEFAULT_JUDGE_PROMPT, judgeAnswer } from '../judge.ts';
import { joinOne } from '../qa/join.ts';
import { AnyQuestionType, DenseCaptionType, TrajectoryType, type Question, type Trajectory } from '../types.ts';
import { optionLetters } from '../answers/choice.ts';
import { askedQuestion, isMultipleChoice, trajectoryId } from './asked-question.ts';
import { runEpisode, type EpisodeQuestion, type EpisodeSettings } from './episode.ts';
import { DEFAULT_RETRIEVAL_PROMPT, DEFAULT_SEGMENT_PROMPT } from './observer.ts';
import { renderOptions } from './question-text.ts';

/** The reasoner's first message; only the question and the answer action differ between the two forms. */
function reasonerPrompt(question: string, answerAction: string): string {
  return `You answer a question about a video that you cannot see directly. You re-watch it through two tools that read a detailed, timestamped description of the video.

${question}

Each turn, reply in exactly this format and nothing else:
Thought: <what you know so far and what to check next>
Action: <exactly one action>

Actions:
- segment_retrieval(<what to look for>): returns the time ranges [MM:SS-MM:SS] of the matching events.
- segment_query(<MM:SS>): returns a detailed description of what happens at that timestamp and just before and after it.
- ${answerAction}

After each action you get an Observation. Look at the evidence before you answer; you have at most {{maxSteps}} actions, the answer included. Never write an Observation yourself.`;
}

export const DEFAULT_REASONER_PROMPT = reasonerPrompt(
  'Question: {{question}}\nOptions:\n{{options}}',
  'answer(<letter>): your final answer, the letter of one option ({{letters}}).',
);

const DEFAULT_OPEN_REASONER_PROMPT = reasonerPrompt(
  'Question: {{question}}',
  'answer(<short answer>): your final answer, in a few words.',
);

const DEFAULT_MALFORMED_PROMPT = `Observation: your reply could not be used: {{problem}}.
Reply with one "Thought: ..." followed by one "Action: ..." line, the action being segment_retrieval(query), segment_query(MM:SS) or {{answerAction}}.`;

const config = z.object({
  reasoner: providerField('reasoner-llm', 'A_R: the model that thinks and chooses the actions.'),
  observer: providerField('observer-llm', 'A_O: the model that carries out actions on the dense caption (C_detail).'),
  judge: providerField('judge-llm', 'M_judge: decides whether the final answer to an open question matches its reference.'),
  reasonerPrompt: promptField(
    DEFAULT_REASONER_PROMPT,
    'First message to the reasoner for a multiple-choice question; it defines the reply format the loop parses. ' +
      '`{{question}}`, `{{options}}` (as `A. …` lines), `{{letters}}` and `{{maxSteps}}` are filled in; observations ' +
      'follow as `Observation: …` messages.',
  ),
  openReasonerPrompt: promptField(
    DEFAULT_OPEN_REASONER_PROMPT,
    'First message to the reasoner for an open question: `{{question}}` and `{{maxSteps}}` are filled in; the answer ' +
      'action carries a short free-text answer.',
  ),
  malformedPrompt: promptField(
    DEFAULT_MALFORMED_PROMPT,
    'Sent back once when a reply has no valid action; `{{problem}}` says what was wrong, `{{answerAction}}` is ' +
      '`answer(LETTER)` or `answer(SHORT ANSWER)`. A second malformed reply fails the attempt.',
  ),
  retrievalPrompt: promptField(
    DEFAULT_RETRIEVAL_PROMPT,
    'Observer prompt for segment_retrieval: `{{caption}}` is C_detail, `{{query}}` what to look for. ' +
      'The reply’s [MM:SS-MM:SS] ranges are checked and normalised.',
  ),
  segmentPrompt: promptField(
    DEFAULT_SEGMENT_PROMPT,
    'Observer prompt for segment_query: `{{lines}}` are the caption lines of the queried timestamp (the events ' +
      'containing it and one event on each side) or of the queried range (the events overlapping it); `{{range}}`, ' +
      '`{{start}}` and `{{end}}` the time they cover.',
  ),
  judgePrompt: promptField(
    DEFAULT_JUDGE_PROMPT,
    'Judge prompt for open final answers (multiple choice compares letters): `{{question}}`, `{{reference}}`, ' +
      '`{{candidate}}`; replies {"correct", "reason"}.',
  ),
  maxSteps: z.number().int().min(1).max(50).default(11).meta({
    description: 'Most actions per attempt, the answer included; an attempt that has not answered by then fails.',
  }),
  attempts: z.number().int().min(1).max(32).default(4).meta({
    description: 'Rejection sampling: attempts per question until one answers correctly.',
  }),
  temperature: z.number().min(0).max(2).default(0.7).meta({ description: 'Reasoner sampling temperature.' }),
  seed: z.number().int().min(0).max(2_147_483_647).default(0).meta({
    description: 'Seed of the reasoner’s requests: the first attempt uses it, each further attempt the next integer.',
  }),
  observerTemperature: z.number().min(0).max(2).default(0).meta({ description: 'Observer sampling temperature.' }),
});
type Config = z.output<typeof config>;

/** What the reasoner is asked: the form's prompt, and for multiple choice the letters its answer must be one of. */
function episodeQuestion(question: Question, c: Config): Omit<EpisodeQuestion, 'id'> {
  if (!isMultipleChoice(question)) {
    return { opening: renderTemplate(c.openReasonerPrompt, { question: question.question, maxSteps: c.maxSteps }) };
  }
  const opening = renderTemplate(c.reasonerPrompt, {
    question: question.question,
    options: renderOptions(question.options),
    letters: optionLetters(question.options.length).join(', '),
    maxSteps: c.maxSteps,
  });
  return { opening, options: question.options };
}

/** How one attempt runs; each attempt samples with its own seed: `seed` for the first, then the next integers. */
function episodeSettings(c: Config, attempt: number): EpisodeSettings {
  return {
    reasoner: c.reasoner,
    temperature: c.temperature,
    seed: c.seed + attempt - 1,
    maxSteps: c.maxSteps,
    malformedPrompt: c.malformedPrompt,
    observer: {
      profile: c.observer,
      retrievalPrompt: c.retrievalPrompt,
      segmentPrompt: c.segmentPrompt,
      temperature: c.observerTemperature,
    },
  };
}

/** Why a final answer is wrong, or undefined when it is right: by letter for multiple choice, by the judge for open questions. */
async function wrongAnswer(ctx: NodeContext, question: Question, answer: string, c: Config): Promise<string | undefined> {
  if (isMultipleChoice(question)) {
    return answer === question.answer ? undefined : `answered ${answer}; the correct answer is ${question.answer}`;
  }
  const verdict = await judgeAnswer(ctx.llm, {
    profile: c.judge,
    prompt: c.judgePrompt,
    question: question.question,
    reference: question.answer,
    candidate: answer,
  });
  return verdict.correct ? undefined : `the judge rejected "${answer}" (reference "${question.answer}"): ${verdict.reason}`;
}

export const react = defineMapNode({
  type: 'rewatch.react',
  version: 1,
  title: 'Re-watching ReAct',
  category: 'Reasoning',
  description:
    'A reasoner (A_R) re-watches the video through an observer (A_O) reading C_detail: segment_retrieval and ' +
    'segment_query actions until it answers. Takes multiple-choice and open questions; an open answer is judged ' +
    'against its reference. Rejection sampling keeps the first trajectory with the correct answer.',
  inputs: {
    questions: {
      type: AnyQuestionType,
      multiple: true,
      description: 'Multiple-choice and open questions to reason about (connect both forms to build CoTs for each).',
    },
    captions: {
      type: DenseCaptionType,
      description: 'Dense captions (C_detail), joined by the question’s caption id.',
      join: { field: 'id', itemField: 'captionId' },
    },
  },
  outputs: {
    trajectories: { type: TrajectoryType, description: 'The first trajectory per question whose answer is correct.' },
    rejected: { type: TrajectoryType, description: 'The last attempt of each question no attempt answered correctly.' },
  },
  config,
  over: 'questions',
  concurrency: 8,
  async execute(ctx, { questions: question, captions }, c) {
    const caption = joinOne(captions, 'id', question.captionId, 'caption');
    const asked = askedQuestion(question);
    const asking = episodeQuestion(question, c);
    let trajectory: Trajectory | undefined;
    for (let attempt = 1; attempt <= c.attempts; attempt++) {
      const id = `${question.id} attempt ${attempt}`;
      const result = await runEpisode(ctx, caption, { ...asking, id }, episodeSettings(c, attempt));
      const wrong = result.answer === undefined ? result.failure : await wrongAnswer(ctx, question, result.answer, c);
      trajectory = {
        id: trajectoryId(asked),
        ...asked,
        steps: result.steps,
        finalAnswer: result.answer ?? '',
        correct: wrong === undefined,
        attempt,
        ...(wrong === undefined ? {} : { failure: wrong }),
      };
      if (trajectory.correct) return { trajectories: [trajectory] };
    }
    return { rejected: [trajectory!] };
  },
});
