import type { CoT, Trajectory } from '../types.ts';
import { parseTaggedResponse } from '../reasoning/cot-tags.ts';
import { figure, mean, percent, plural } from './figure.ts';
import { PAPER } from './paper.ts';
import type { ReportFigure } from './types.ts';

/**
 * Both of the paper's counts, "2.3 steps per CoT (max 11)" and "3.31 actions on ReWatch-QA", count the
 * `<action>…</action>` blocks of a response, each followed by its observation; the final `<answer>` is not an action.
 * They are read from the CoT text, where cot-convert guarantees one per non-answer step of the trajectory.
 */
const STEP_BASIS = '<action> blocks per CoT (its trajectory’s non-answer steps)';

export function reasoningFigures(
  trajectories: Iterable<Trajectory>,
  rejected: Iterable<Trajectory>,
  cots: Iterable<CoT>,
): ReportFigure[] {
  const accepted = new Set(Array.from(trajectories, (t) => t.questionId));
  const attempted = new Set([...accepted, ...Array.from(rejected, (t) => t.questionId)]);
  const steps: number[] = [];
  const tokens: number[] = [];
  let maxSteps = 0;
  for (const cot of cots) {
    const count = parseTaggedResponse(cot.text).pairs.length;
    steps.push(count);
    maxSteps = Math.max(maxSteps, count);
    if (cot.completionTokens !== undefined) tokens.push(cot.completionTokens);
  }
  const cotBasis = steps.length ? `${STEP_BASIS}, over ${plural(steps.length, 'CoT')}` : 'no CoTs given';
  const meanSteps = mean(steps);
  return [
    figure('reasoning', {
      id: 'acceptance',
      label: 'Questions with an accepted trajectory',
      unit: 'percent',
      value: percent(accepted.size, attempted.size),
      basis: attempted.size
        ? `${plural(accepted.size, 'question')} of ${attempted.size.toLocaleString('en-US')} attempted`
        : 'no trajectories given',
    }),
    figure('reasoning', { id: 'steps-mean', label: 'Steps per CoT, mean', unit: 'mean', value: meanSteps, basis: cotBasis, paper: PAPER.stepsMean }),
    figure('reasoning', {
      id: 'steps-max',
      label: 'Steps per CoT, max',
      unit: 'count',
      value: steps.length ? maxSteps : null,
      basis: cotBasis,
      paper: PAPER.stepsMax,
    }),
    figure('reasoning', {
      id: 'actions-on-qa',
      label: 'Actions per response on the QA set, mean',
      unit: 'mean',
      value: meanSteps,
      basis: cotBasis,
      paper: PAPER.actionsOnQa,
    }),
    figure('reasoning', {
      id: 'response-tokens',
      label: 'Response length in tokens, mean',
      unit: 'tokens',
      value: mean(tokens),
      basis: steps.length
        ? `the converter’s completion tokens, ${tokens.length.toLocaleString('en-US')} of ${plural(steps.length, 'CoT')} carrying a count`
        : 'no CoTs given',
      paper: PAPER.responseTokens,
    }),
  ];
}
