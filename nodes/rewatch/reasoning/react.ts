import { z } from 'zod';
import { defineMapNode, promptField, providerField, renderTemplate, type ChatMessage, type NodeContext } from '../../sdk/index.ts';
import { optionLetters } from '../answers/choice.ts';
import { stableId } from '../ids.ts';
import { joinOne } from '../qa/join.ts';
import { DenseCaptionType, MCQType, TrajectoryType, type DenseCaption, type MCQ, type Trajectory, type TrajectoryStep } from '../types.ts';
import { formatAction, parseReasonerReply } from './actions.ts';
import { DEFAULT_RETRIEVAL_PROMPT, DEFAULT_SEGMENT_PROMPT, observe, type ObserverSettings } from './observer.ts';
import { renderOptions } from './question-text.ts';

export const DEFAULT_REASONER_PROMPT = `You answer a question about a video that you cannot see directly. You re-watch it through two tools that read a detailed, timestamped description of the video.

Question: {{question}}
Options:
{{options}}

Each turn, reply in exactly this format and nothing else:
Thought: <what you know so far and what to check next>
Action: <exactly one action>

Actions:
- segment_retrieval(<what to look for>): returns the time ranges [MM:SS-MM:SS] of the matching events.
- segment_query(<MM:SS-MM:SS>): returns a detailed description of what happens in that time range.
- answer(<letter>): your final answer, the letter of one option ({{letters}}).

After each action you get an Observation. Look at the evidence before you answer; you have at most {{maxSteps}} actions, the answer included. Never write an Observation yourself.`;

export const DEFAULT_MALFORMED_PROMPT = `Observation: your reply could not be used: {{problem}}.
Reply with one "Thought: ..." followed by one "Action: ..." line, the action being segment_retrieval(query), segment_query(MM:SS-MM:SS) or answer(LETTER).`;

const config = z.object({
  reasoner: providerField('reasoner-llm', 'A_R: the model that thinks and chooses the actions.'),
  observer: providerField('observer-llm', 'A_O: the model that carries out actions on the dense caption (C_detail).'),
  reasonerPrompt: promptField(
    DEFAULT_REASONER_PROMPT,
    'First message to the reasoner; it defines the reply format the loop parses. `{{question}}`, `{{options}}` ' +
      '(as `A. …` lines), `{{letters}}` and `{{maxSteps}}` are filled in; observations follow as `Observation: …` messages.',
  ),
  malformedPrompt: promptField(
    DEFAULT_MALFORMED_PROMPT,
    'Sent back once when a reply has no valid action; `{{problem}}` says what was wrong. A second malformed reply fails the attempt.',
  ),
  retrievalPrompt: promptField(
    DEFAULT_RETRIEVAL_PROMPT,
    'Observer prompt for segment_retrieval: `{{caption}}` is C_detail, `{{query}}` what to look for. ' +
      'The reply’s [MM:SS-MM:SS] ranges are checked and normalised.',
  ),
  segmentPrompt: promptField(
    DEFAULT_SEGMENT_PROMPT,
    'Observer prompt for segment_query: `{{lines}}` are the caption lines overlapping the range, `{{range}}`, ' +
      '`{{start}}` and `{{end}}` the queried range.',
  ),
  maxSteps: z.number().int().min(1).max(50).default(11).meta({
    description: 'Most actions per attempt, the answer included; an attempt that has not answered by then fails.',
  }),
  attempts: z.number().int().min(1).max(32).default(4).meta({
    description: 'Rejection sampling: attempts per question until one answers correctly.',
  }),
  temperature: z.number().min(0).max(2).default(0.7).meta({ description: 'Reasoner sampling temperature.' }),
  observerTemperature: z.number().min(0).max(2).default(0).meta({ description: 'Observer sampling temperature.' }),
});
type Config = z.output<typeof config>;

interface AttemptResult {
  steps: TrajectoryStep[];
  /** The chosen letter, or undefined when the attempt failed before answering. */
  answer: string | undefined;
  /** Why the attempt ended without an answer. */
  failure?: string;
}

/** One ReAct episode: reasoner turns and observations until an answer, a second malformed reply or `maxSteps`. */
async function runAttempt(ctx: NodeContext, mcq: MCQ, caption: DenseCaption, c: Config, attempt: number): Promise<AttemptResult> {
  const observer: ObserverSettings = {
    profile: c.observer,
    retrievalPrompt: c.retrievalPrompt,
    segmentPrompt: c.segmentPrompt,
    temperature: c.observerTemperature,
  };
  const messages: ChatMessage[] = [
    {
      role: 'user',
      content: renderTemplate(c.reasonerPrompt, {
        question: mcq.question,
        options: renderOptions(mcq.options),
        letters: optionLetters(mcq.options.length).join(', '),
        maxSteps: c.maxSteps,
      }),
    },
  ];
  const steps: TrajectoryStep[] = [];
  let malformed = 0;
  while (steps.length < c.maxSteps) {
    const reply = await ctx.llm.complete({
      profile: c.reasoner,
      messages,
      temperature: c.temperature,
      stop: ['\nObservation:'],
      cacheSalt: `attempt ${attempt}`,
    });
    const turn = parseReasonerReply(reply.text, mcq.options);
    if (!turn.ok) {
      messages.push({ role: 'assistant', content: reply.text });
      malformed += 1;
      if (malformed > 1) {
        const failure = `second malformed reasoner reply (${turn.problem}): ${reply.raw}`;
        ctx.log.warn(`${mcq.id} attempt ${attempt}: ${failure}`);
        return { steps, answer: undefined, failure };
      }
      messages.push({ role: 'user', content: renderTemplate(c.malformedPrompt, { problem: turn.problem }) });
      continue;
    }
    const { thought, action } = turn.value;
    if (action.name === 'answer') {
      steps.push({ thought, action, observation: '' });
      return { steps, answer: action.argument };
    }
    const observation = await observe(ctx.llm, caption, action, observer);
    steps.push({ thought, action, observation });
    // The history holds the turn as executed (canonical action, no invented observation), like the trajectory.
    messages.push(
      { role: 'assistant', content: `Thought: ${thought}\nAction: ${formatAction(action)}` },
      { role: 'user', content: `Observation: ${observation}` },
    );
  }
  const failure = `no answer within ${c.maxSteps} steps`;
  ctx.log.info(`${mcq.id} attempt ${attempt}: ${failure}`);
  return { steps, answer: undefined, failure };
}

export const react = defineMapNode({
  type: 'rewatch.react',
  version: 1,
  title: 'Re-watching ReAct',
  category: 'Reasoning',
  description:
    'A reasoner (A_R) re-watches the video through an observer (A_O) reading C_detail: segment_retrieval and ' +
    'segment_query actions until it answers. Rejection sampling keeps the first trajectory with the correct answer.',
  inputs: {
    questions: { type: MCQType, description: 'Multiple-choice questions to reason about.' },
    captions: { type: DenseCaptionType, description: 'Dense captions (C_detail), joined by the question’s caption id.' },
  },
  outputs: {
    trajectories: { type: TrajectoryType, description: 'The first trajectory per question whose answer is correct.' },
    rejected: { type: TrajectoryType, description: 'The last attempt of each question no attempt answered correctly.' },
  },
  config,
  over: 'questions',
  concurrency: 8,
  async execute(ctx, { questions: mcq, captions }, c) {
    const caption = joinOne(captions, 'id', mcq.captionId, 'caption');
    let trajectory: Trajectory | undefined;
    for (let attempt = 1; attempt <= c.attempts; attempt++) {
      const { steps, answer, failure } = await runAttempt(ctx, mcq, caption, c, attempt);
      const correct = answer === mcq.answer;
      trajectory = {
        id: stableId('trajectory', mcq.id),
        questionId: mcq.id,
        videoId: mcq.videoId,
        videoPath: mcq.videoPath,
        captionId: mcq.captionId,
        question: mcq.question,
        options: mcq.options,
        groundTruth: mcq.answer,
        steps,
        finalAnswer: answer ?? '',
        correct,
        attempt,
        ...(correct ? {} : { failure: failure ?? `answered ${answer}; the correct answer is ${mcq.answer}` }),
      };
      if (trajectory.correct) return { trajectories: [trajectory] };
    }
    return { rejected: [trajectory!] };
  },
});
