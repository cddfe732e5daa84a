import { figure, percent, plural } from './figure.ts';
import type { ReportFigure } from './types.ts';
import type { ProbeTally, StageTally } from './verdict-stages.ts';

const ACCURACY_MEANING = {
  F1: 'share of answers the judge found supported by C_detail',
  F2: 'probes’ mean accuracy without the video',
  F3: 'probes’ mean accuracy from C_sum',
} as const;

const probeFigure = (s: StageTally, p: ProbeTally, form: '' | 'mc-', formLabel: string) =>
  figure('filters', {
    id: `${s.stage}-${form}probe-${p.probe}`,
    label: `${s.stage} accuracy${formLabel} · ${p.probe}`,
    unit: 'percent',
    value: percent(p.correct, p.answered),
    basis: `${p.correct.toLocaleString('en-US')} of ${plural(p.answered, 'answer')} correct`,
  });

/** The multiple-choice form's mean accuracy and per-probe accuracy, for stages that probed it. */
function multipleChoiceFigures(s: StageTally): ReportFigure[] {
  if (!s.multipleChoice) return [];
  const mc = s.multipleChoice;
  return [
    figure('filters', {
      id: `${s.stage}-mc-accuracy`,
      label: `${s.stage} mean accuracy, multiple-choice form`,
      unit: 'percent',
      value: percent(mc.accuracySum, mc.judged),
      basis: `${ACCURACY_MEANING[s.stage]}, choosing among the options, over ${plural(mc.judged, 'question')}`,
    }),
    ...mc.probes.map((p) => probeFigure(s, p, 'mc-', ', multiple-choice form')),
  ];
}

/**
 * Per filter stage: the share of questions kept, the mean accuracy the keep rule compares with θ, and each probe
 * model's accuracy, for the open form and (where probed) the multiple-choice form. The paper gives θ but no accuracy
 * or kept ratio for its filters.
 */
export function filterFigures(stages: readonly StageTally[]): ReportFigure[] {
  return stages.flatMap((s) => [
    figure('filters', {
      id: `${s.stage}-kept-ratio`,
      label: `${s.stage} kept`,
      unit: 'percent',
      value: percent(s.kept, s.judged),
      basis: `${plural(s.kept, 'question')} of ${s.judged.toLocaleString('en-US')}`,
    }),
    figure('filters', {
      id: `${s.stage}-accuracy`,
      label: `${s.stage} mean accuracy`,
      unit: 'percent',
      value: percent(s.accuracySum, s.judged),
      basis: ACCURACY_MEANING[s.stage],
    }),
    ...s.probes.map((p) => probeFigure(s, p, '', '')),
    ...multipleChoiceFigures(s),
  ]);
}
