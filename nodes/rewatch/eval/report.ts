import type { Mode } from './reply.ts';
import type { EvaluationResult, ModeReport, Tally } from './types.ts';

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10000) / 100 : null);

function tally(results: readonly EvaluationResult[]): Tally {
  const correct = results.filter((r) => r.correct).length;
  return {
    accuracy: percent(correct, results.length),
    total: results.length,
    correct,
    unparsed: results.filter((r) => r.status === 'unparsed').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}

/** Off-by-one accuracy and mean absolute error over every question, for the rows that carry a count's error. */
function countMetrics(results: readonly EvaluationResult[]): Pick<ModeReport, 'offByOne' | 'mae'> {
  const errors = results.flatMap((r) => (r.absError === undefined ? [] : [r.absError]));
  if (errors.length === 0) return {};
  const mae = errors.reduce((sum, e) => sum + e, 0) / errors.length;
  return { offByOne: percent(errors.filter((e) => e <= 1).length, errors.length), mae: Math.round(mae * 1000) / 1000 };
}

/** One mode's accuracy over all its questions (none dropped), overall and by category, and the unscored ones listed. */
export function modeReport(all: readonly EvaluationResult[], mode: Mode): ModeReport {
  const results = all.filter((r) => r.mode === mode);
  const categories = [...new Set(results.map((r) => r.category))].sort();
  return {
    ...tally(results),
    byCategory: Object.fromEntries(categories.map((c) => [c, tally(results.filter((r) => r.category === c))])),
    ...countMetrics(results),
    unscored: results.flatMap((r) => (r.status === 'scored' ? [] : [{ questionId: r.questionId, status: r.status }])),
  };
}
