import { boxIou, parseBox, parseInterval, temporalIou } from './overlap.ts';
import { expectedText, type Expected } from './question.ts';
import { parseChoice } from '../answers/choice.ts';
import { answerNumber } from './reply.ts';

/** How one reply scored: what it was read as (null: nothing readable, counted wrong), and why, where a rule says. */
interface AskScore {
  predicted: string | null;
  correct: boolean;
  detail?: string;
}

/** A judge's verdict on an open answer; asked only where the benchmark's rule needs one. */
export type OpenJudge = (candidate: string, reference: string) => Promise<{ correct: boolean; reason: string }>;

/** VCR-Bench's thresholds (`match_answer` in `eval_code/eval.py`, see overlap.ts). */
const INTERVAL_IOU = 0.7;
const BOX_IOU = 0.5;

const unparsed: AskScore = { predicted: null, correct: false };

async function judged(answer: string, expected: Expected, judge: OpenJudge): Promise<AskScore> {
  const verdict = await judge(answer, expectedText(expected));
  return { predicted: answer, correct: verdict.correct, detail: `judge: ${verdict.reason}` };
}

function overlapScore(predicted: string, iou: number, threshold: number, name: string): AskScore {
  return { predicted, correct: iou > threshold, detail: `${name} ${iou.toFixed(3)} (> ${threshold} counts)` };
}

/**
 * Scores the answer part of a reply (undefined when the reply has none) by the benchmark's own rule: the exact
 * letter; the exact count; tIoU > 0.7 for intervals and IoU > 0.5 for boxes, and the judge for any other open answer
 * (and for an interval or box answer given in words, as VCR-Bench's evaluator falls back to its judge).
 */
export async function scoreAnswer(expected: Expected, answer: string | undefined, judge: OpenJudge): Promise<AskScore> {
  if (answer === undefined || answer === '') return unparsed;
  switch (expected.kind) {
    case 'choice': {
      const choice = parseChoice(answer, expected.options);
      if (choice.kind === 'none') return { ...unparsed, detail: choice.reason };
      return { predicted: choice.letter, correct: choice.letter === expected.letter };
    }
    case 'count': {
      const value = answerNumber(answer);
      return value === undefined ? unparsed : { predicted: String(value), correct: value === expected.value };
    }
    case 'interval': {
      const interval = parseInterval(answer, false);
      if (!interval) return judged(answer, expected, judge);
      return overlapScore(`[${interval.start}, ${interval.end}]`, temporalIou(interval, expected), INTERVAL_IOU, 'tIoU');
    }
    case 'box': {
      const box = parseBox(answer, false);
      if (!box) return judged(answer, expected, judge);
      return overlapScore(`[${box.join(', ')}]`, boxIou(box, expected.box), BOX_IOU, 'IoU');
    }
    case 'open':
      return judged(answer, expected, judge);
  }
}

/**
 * CG-AV-Counting's absolute error: an error above max(2·gt, 100) counts as 2·gt, and a reply stating no number
 * counts as 0, as the official scoring reads a failed parse (lmms-eval `_count_result`, see reply.ts for the source).
 */
export function countError(expected: number, predicted: string | null): number {
  const error = Math.abs(expected - (predicted === null ? 0 : Number(predicted)));
  return error <= Math.max(2 * expected, 100) ? error : 2 * expected;
}
