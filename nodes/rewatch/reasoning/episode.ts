import { renderTemplate, type ChatMessage, type NodeContext } from '../../sdk/index.ts';
import type { DenseCaption, TrajectoryStep } from '../types.ts';
import { formatAction, parseReasonerReply } from './actions.ts';
import { observe, type ObserverSettings } from './observer.ts';

/** How the reasoner is run for one question. */
export interface EpisodeSettings {
  reasoner: string;
  temperature: number;
  /** The seed of this attempt's reasoner requests. */
  seed: number;
  maxSteps: number;
  /** Sent back once after a reply with no valid action; `{{problem}}` and `{{answerAction}}` are filled in. */
  malformedPrompt: string;
  observer: ObserverSettings;
}

/** What the reasoner is asked and how its final answer must look. */
export interface EpisodeQuestion {
  /** Names the question in the log. */
  id: string;
  /** The reasoner's first message. */
  opening: string;
  /** Multiple choice: the answer must choose one of these options. Absent for an open question. */
  options?: readonly string[];
}

/** The steps taken, and the final answer (an option letter for multiple choice) or why there is none. */
type EpisodeResult = { steps: TrajectoryStep[] } & ({ answer: string } | { answer?: undefined; failure: string });

/** One ReAct episode: reasoner turns and observations until an answer, a second malformed reply or `maxSteps`. */
export async function runEpisode(
  ctx: NodeContext,
  caption: DenseCaption,
  question: EpisodeQuestion,
  s: EpisodeSettings,
): Promise<EpisodeResult> {
  const messages: ChatMessage[] = [{ role: 'user', content: question.opening }];
  const answerAction = question.options === undefined ? 'answer(SHORT ANSWER)' : 'answer(LETTER)';
  const steps: TrajectoryStep[] = [];
  let malformed = 0;
  while (steps.length < s.maxSteps) {
    const reply = await ctx.llm.complete({
      profile: s.reasoner,
      messages,
      temperature: s.temperature,
      seed: s.seed,
      stop: ['\nObservation:'],
    });
    const turn = parseReasonerReply(reply.text, question.options);
    if (!turn.ok) {
      messages.push({ role: 'assistant', content: reply.text });
      malformed += 1;
      if (malformed > 1) {
        const failure = `second malformed reasoner reply (${turn.problem}): ${reply.raw}`;
        ctx.log.warn(`${question.id}: ${failure}`);
        return { steps, failure };
      }
      messages.push({ role: 'user', content: renderTemplate(s.malformedPrompt, { problem: turn.problem, answerAction }) });
      continue;
    }
    const { thought, action } = turn.value;
    if (action.name === 'answer') {
      steps.push({ thought, action, observation: '' });
      return { steps, answer: action.argument };
    }
    const observation = await observe(ctx.llm, caption, action, s.observer);
    steps.push({ thought, action, observation });
    // The history holds the turn as executed (canonical action, no invented observation), like the trajectory.
    messages.push(
      { role: 'assistant', content: `Thought: ${thought}\nAction: ${formatAction(action)}` },
      { role: 'user', content: `Observation: ${observation}` },
    );
  }
  const failure = `no answer within ${s.maxSteps} steps`;
  ctx.log.info(`${question.id}: ${failure}`);
  return { steps, failure };
}
