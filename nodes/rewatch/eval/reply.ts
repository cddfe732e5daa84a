export const MODES = ['thinking', 'direct'] as const;
export type Mode = (typeof MODES)[number];

/**
 * The part of a reply that holds its answer, the reasoning left out: in thinking mode what the last `<answer>` tag
 * holds (none without one, even when the reasoning names a letter); in direct mode the whole reply.
 */
export function answerSpan(reply: string, mode: Mode): string | undefined {
  if (mode === 'direct') return reply.trim();
  const open = reply.toLowerCase().lastIndexOf('<answer>');
  if (open < 0) return undefined;
  const rest = reply.slice(open + '<answer>'.length);
  const close = rest.toLowerCase().indexOf('</answer>');
  return (close < 0 ? rest : rest.slice(0, close)).trim();
}

const WORD_VALUES: Readonly<Record<string, number>> = Object.fromEntries(
  [
    ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8],
    ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14], ['fifteen', 15],
    ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19], ['twenty', 20], ['thirty', 30],
    ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
  ],
);

/**
 * The first number an answer states: digits (`1,024` reads 1024), else the first run of number words
 * (`twenty-three`), as lmms-eval's `_extract_number` reads CG-AV-Counting replies (github EvolvingLMMs-Lab/lmms-eval
 * `lmms_eval/tasks/cgav_counting/utils.py` @ 593851645597652776b39c812f99064b35aa29f4); undefined when it states none.
 */
export function answerNumber(answer: string): number | undefined {
  const text = answer.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1');
  const digits = /[-+]?\d+(?:\.\d+)?/.exec(text);
  if (digits) return Number(digits[0]);
  const words = text.split(/[^a-z]+/);
  const start = words.findIndex((word) => word in WORD_VALUES);
  if (start < 0) return undefined;
  let value = 0;
  for (let i = start; i < words.length && words[i]! in WORD_VALUES; i++) value += WORD_VALUES[words[i]!]!;
  return value;
}
