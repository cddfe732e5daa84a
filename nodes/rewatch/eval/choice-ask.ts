import { optionLetters } from '../answers/choice.ts';
import { renderQuestion } from '../reasoning/question-text.ts';
import type { Ask } from './question.ts';
import { RecordProblem } from './records.ts';

/**
 * A multiple-choice ask: the question with its options as `A. …` lines (an option already lettered, like
 * VideoMathQA's `A) 12`, is kept as written), and the correct letter, which must name one of the options.
 */
export function choiceAsk(question: string, options: readonly string[], letter: string, answerField: string): Ask {
  const letters = optionLetters(options.length);
  const answer = letter.trim().toUpperCase();
  if (!letters.includes(answer)) {
    throw new RecordProblem(answerField, `"${letter}" is not the letter of one of the ${options.length} options (${letters.join(', ')})`);
  }
  return { prompt: renderQuestion(question, options), expected: { kind: 'choice', letter: answer, options } };
}

/** Options keyed by letter (`{"A": …, "B": …}`) in letter order; the keys must run A, B, C… without a gap. */
export function lettered(options: Readonly<Record<string, string>>, field: string): string[] {
  const keys = Object.keys(options).sort();
  const expected = optionLetters(keys.length);
  if (keys.join() !== expected.join()) throw new RecordProblem(field, `option keys ${keys.join(', ')} are not ${expected.join(', ')}`);
  return keys.map((key) => options[key]!);
}
