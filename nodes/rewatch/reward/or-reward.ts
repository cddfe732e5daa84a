import { z } from 'zod';
import { defineMapNode, promptField, providerField } from '../../sdk/index.ts';
import { stableId } from '../ids.ts';
import { DEFAULT_JUDGE_PROMPT } from '../judge.ts';
import { joinOne } from '../qa/join.ts';
import { CoTType, DenseCaptionType, RewardBreakdownType } from '../types.ts';
import { DEFAULT_INFER_PROMPT, DEFAULT_OBSERVATION_JUDGE_PROMPT, scoreResponse } from './o-and-r.ts';

const config = z.object({
  judge: providerField('judge-llm', 'M_judge: grades open answers and the grounding of each observation.'),
  infer: providerField('judge-llm', 'M_infer: answers the question from the action/observation pairs alone (the judge model in the paper).'),
  answerJudgePrompt: promptField(
    DEFAULT_JUDGE_PROMPT,
    'Judge prompt for open answers (multiple choice compares letters): `{{question}}`, `{{reference}}`, `{{candidate}}`.',
  ),
  observationPrompt: promptField(
    DEFAULT_OBSERVATION_JUDGE_PROMPT,
    'r_obs prompt for one pair: `{{caption}}` (C_detail), `{{action}}`, `{{observation}}`; replies {"score", "note"}.',
  ),
  inferPrompt: promptField(
    DEFAULT_INFER_PROMPT,
    'r_rea prompt: `{{question}}` (with its options) and `{{observations}}` (the pairs); replies with the answer only.',
  ),
  skipProcessWhenWrong: z.boolean().default(true).meta({
    description: 'Skip judging observations and reasoning when the answer is wrong (r_acc = 0 zeroes them anyway).',
  }),
});

export const orReward = defineMapNode({
  type: 'rewatch.or-reward',
  version: 1,
  title: 'O&R reward',
  category: 'Reward',
  description:
    'Scores responses with the Observation & Reasoning reward: r_acc·(1 + r_obs + r_rea) + r_fmt, with the ' +
    'judge’s notes for each part.',
  inputs: {
    responses: { type: CoTType, description: 'Tagged responses to score, with their question and ground truth.' },
    captions: {
      type: DenseCaptionType,
      description: 'Dense captions (C_detail), joined by the response’s caption id.',
      join: { field: 'id', itemField: 'captionId' },
    },
  },
  outputs: { rewards: { type: RewardBreakdownType, description: 'The reward of each response, part by part.' } },
  config,
  over: 'responses',
  concurrency: 16,
  async execute(ctx, { responses: response, captions }, c) {
    const caption = joinOne(captions, 'id', response.captionId, 'caption');
    const score = await scoreResponse(
      ctx.llm,
      {
        question: response.question,
        ...(response.options ? { options: response.options } : {}),
        groundTruth: response.groundTruth,
        response: response.text,
        captionText: caption.text,
      },
      {
        judgeProfile: c.judge,
        inferProfile: c.infer,
        answerJudgePrompt: c.answerJudgePrompt,
        observationPrompt: c.observationPrompt,
        inferPrompt: c.inferPrompt,
        skipProcessWhenWrong: c.skipProcessWhenWrong,
      },
    );
    return { rewards: [{ id: stableId('or-reward', response.id), responseId: response.id, ...score }] };
  },
});
