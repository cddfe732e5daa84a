import { optionLetters } from '../answers/choice.ts';

/** Options as `A. text` lines; an option already starting with its own letter (`B. text`, `(B) text`) is kept. */
export function renderOptions(options: readonly string[]): string {
  const letters = optionLetters(options.length);
  return options
    .map((option, i) => {
      const letter = letters[i]!;
      return new RegExp(String.raw`^\(?${letter}[.):]\s`).test(option) ? option : `${letter}. ${option}`;
    })
    .join('\n');
}

/** A question as a model reads it: the question, then its options when it has any. */
export function renderQuestion(question: string, options?: readonly string[]): string {
  return options?.length ? `${question}\nOptions:\n${renderOptions(options)}` : question;
}
