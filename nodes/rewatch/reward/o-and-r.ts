import { z } from 'zod';
import { renderTemplate, type LlmGateway } from '../../sdk/index.ts';
import { parseChoice } from '../answers/choice.ts';
import { judgeAnswer, verdictReason } from '../judge.ts';
import { parseTaggedResponse, type ActionObservation } from '../reasoning/cot-tags.ts';
import { renderQuestion } from '../reasoning/question-text.ts';
import type { RewardBreakdown } from '../types.ts';

/**
 * The Observation & Reasoning reward of ReWatch-R1: r = r_acc·(1 + r_obs + r_rea) + r_fmt. One function scores one
 * response, so the reward server and the pipeline node compute the same numbers.
 */

export const DEFAULT_OBSERVATION_JUDGE_PROMPT = `You check whether an observation made while re-watching a video is grounded in the video's detailed description.

Detailed description, one event per line with its time range:
{{caption}}

Action: {{action}}
Observation: {{observation}}

Score how faithfully the observation reports what the description says for that action's time range or request:
1 when everything it states is supported there, 0 when it is invented or contradicts the description, a value in between when it is partly supported.
Reply with JSON only: {"score": a number from 0 to 1, "note": "one short sentence"}`;

export const DEFAULT_INFER_PROMPT = `Answer the question using only the observations below, gathered while re-watching a video. Do not guess beyond them.

Question: {{question}}

{{observations}}

Reply with only the answer: the letter of the correct option when options are given, otherwise a short phrase.`;

const observationScoreSchema = z.object({
  score: z.number().min(0).max(1).describe('1: fully supported by the description, 0: invented or contradicted.'),
  note: verdictReason,
});

interface RewardComponents {
  rAcc: number;
  rObs: number;
  rRea: number;
  rFmt: number;
}

interface RewardInput {
  question: string;
  /** Present for multiple-choice questions; answers are then compared by letter, without a model. */
  options?: readonly string[];
  /** The correct letter (multiple choice) or answer text (open). */
  groundTruth: string;
  /** The model output with `<action>`, `<observation>` and `<answer>` tags. */
  response: string;
  /** C_detail: the dense caption as `[MM:SS-MM:SS] text` lines. */
  captionText: string;
}

export interface RewardConfig {
  /** M_judge: open answers, observation grounding, and the M_infer answer. */
  judgeProfile: string;
  /** M_infer: answers from the action/observation pairs alone; the judge's profile when absent. */
  inferProfile?: string;
  answerJudgePrompt?: string;
  observationPrompt?: string;
  inferPrompt?: string;
  /** Skip the judge calls for r_obs and r_rea when the answer is wrong (they are multiplied by r_acc = 0). Default true. */
  skipProcessWhenWrong?: boolean;
}

export type RewardScore = Omit<RewardBreakdown, 'id' | 'responseId'>;
type Notes = RewardScore['notes'];

/** r_O&R = r_acc × (1 + r_obs + r_rea) + r_fmt. */
export function combineReward({ rAcc, rObs, rRea, rFmt }: RewardComponents): number {
  return rAcc * (1 + rObs + rRea) + rFmt;
}

interface AnswerCheck {
  correct: boolean;
  note: string;
}

/** A candidate against the ground truth: by option letter for multiple choice, by the judge for open questions. */
async function checkAnswer(llm: LlmGateway, input: RewardInput, config: RewardConfig, candidate: string): Promise<AnswerCheck> {
  if (input.options?.length) {
    const expected = parseChoice(input.groundTruth, input.options);
    if (expected.kind === 'none') throw new Error(`the ground truth "${input.groundTruth}" names no option: ${expected.reason}`);
    const chosen = parseChoice(candidate, input.options);
    if (chosen.kind === 'none') return { correct: false, note: `no option chosen (${chosen.reason}), ground truth ${expected.letter}` };
    return { correct: chosen.letter === expected.letter, note: `chose ${chosen.letter}, ground truth ${expected.letter}` };
  }
  const verdict = await judgeAnswer(llm, {
    profile: config.judgeProfile,
    ...(config.answerJudgePrompt ? { prompt: config.answerJudgePrompt } : {}),
    question: input.question,
    reference: input.groundTruth,
    candidate,
  });
  return { correct: verdict.correct, note: `judge: ${verdict.reason}` };
}

async function observationScores(llm: LlmGateway, input: RewardInput, config: RewardConfig, pairs: ActionObservation[]) {
  return Promise.all(
    pairs.map(async (pair) => {
      const reply = await llm.completeJson(observationScoreSchema, {
        profile: config.judgeProfile,
        temperature: 0,
        messages: [
          {
            role: 'user',
            content: renderTemplate(config.observationPrompt ?? DEFAULT_OBSERVATION_JUDGE_PROMPT, {
              caption: input.captionText,
              action: pair.action,
              observation: pair.observation,
            }),
          },
        ],
      });
      const { score, note } = reply.value;
      return { ...pair, score, note };
    }),
  );
}

/** r_rea: M_infer answers from the pairs alone, and that answer is checked against the ground truth. */
async function reasoningScore(llm: LlmGateway, input: RewardInput, config: RewardConfig, pairs: ActionObservation[]) {
  const observations = pairs
    .map((pair, i) => `Action ${i + 1}: ${pair.action}\nObservation ${i + 1}: ${pair.observation}`)
    .join('\n\n');
  const reply = await llm.complete({
    profile: config.inferProfile ?? config.judgeProfile,
    temperature: 0,
    messages: [
      {
        role: 'user',
        content: renderTemplate(config.inferPrompt ?? DEFAULT_INFER_PROMPT, {
          question: renderQuestion(input.question, input.options),
          observations,
        }),
      },
    ],
  });
  const inferred = reply.text.trim();
  const check = await checkAnswer(llm, input, config, inferred);
  return { rRea: check.correct ? 1 : 0, note: `M_infer answered "${inferred}": ${check.note}` };
}

export async function scoreResponse(llm: LlmGateway, input: RewardInput, config: RewardConfig): Promise<RewardScore> {
  const parsed = parseTaggedResponse(input.response);
  const rFmt = parsed.problems.length === 0 ? 1 : 0;
  const format = rFmt ? 'well-formed' : parsed.problems.join('; ');

  const accuracy: AnswerCheck =
    parsed.answer === undefined
      ? { correct: false, note: 'no <answer> in the response' }
      : await checkAnswer(llm, input, config, parsed.answer);
  const rAcc = accuracy.correct ? 1 : 0;

  let rObs = 0;
  let rRea = 0;
  let observations: Notes['observations'] = [];
  let reasoning: string;
  if (!rAcc && (config.skipProcessWhenWrong ?? true)) {
    reasoning = 'r_obs and r_rea not judged: the answer is wrong';
  } else if (parsed.pairs.length === 0) {
    reasoning = 'no action/observation pairs: r_obs = r_rea = 0';
  } else {
    const [scored, rea] = await Promise.all([
      observationScores(llm, input, config, parsed.pairs),
      reasoningScore(llm, input, config, parsed.pairs),
    ]);
    observations = scored;
    rObs = scored.reduce((sum, s) => sum + s.score, 0) / scored.length;
    rRea = rea.rRea;
    reasoning = rea.note;
  }

  return {
    rAcc,
    rObs,
    rRea,
    rFmt,
    total: combineReward({ rAcc, rObs, rRea, rFmt }),
    notes: { accuracy: accuracy.note, observations, reasoning, format },
  };
}
