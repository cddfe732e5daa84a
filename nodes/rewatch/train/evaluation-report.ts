import type { JsonObject } from '../../sdk/index.ts';

/** One question asked in one mode, as the evaluation records it. */
export type EvaluationResult = {
  questionId: string;
  index: number;
  type: string;
  mode: string;
  answer: string;
  /** The letter read from the reply; null when the reply names none (counted wrong) or the request failed. */
  predicted: string | null;
  correct: boolean;
  reply: string | null;
  /** Why no letter was read from the reply (the answer parser's reason). */
  unparsed?: string;
  /** Why the model gave no reply; such rows are left out of accuracy and counted in `errors`. */
  error?: string;
};

interface Tally {
  total: number;
  answered: number;
  correct: number;
  unparsed: number;
  errors: number;
}

const emptyTally = (): Tally => ({ total: 0, answered: 0, correct: 0, unparsed: 0, errors: 0 });

function count(tally: Tally, result: EvaluationResult): void {
  tally.total += 1;
  if (result.error !== undefined) tally.errors += 1;
  else {
    tally.answered += 1;
    if (result.correct) tally.correct += 1;
    if (result.predicted === null) tally.unparsed += 1;
  }
}

/** Correct answers among answered questions, in percent with two decimals as papers print it; null when none answered. */
function withAccuracy(tally: Tally): JsonObject {
  const accuracy = tally.answered ? Math.round((tally.correct / tally.answered) * 10000) / 100 : null;
  return { accuracy, ...tally };
}

/** Accuracy per mode, overall and per question type, from the result rows. */
export function evaluationReport(results: readonly EvaluationResult[], modes: readonly string[]): JsonObject {
  const byMode: JsonObject = {};
  for (const mode of modes) {
    const overall = emptyTally();
    const byType = new Map<string, Tally>();
    for (const result of results.filter((r) => r.mode === mode)) {
      count(overall, result);
      if (!byType.has(result.type)) byType.set(result.type, emptyTally());
      count(byType.get(result.type)!, result);
    }
    const types = [...byType.keys()].sort();
    byMode[mode] = { ...withAccuracy(overall), byType: Object.fromEntries(types.map((t) => [t, withAccuracy(byType.get(t)!)])) };
  }
  return { questions: new Set(results.map((r) => r.questionId)).size, modes: byMode };
}
