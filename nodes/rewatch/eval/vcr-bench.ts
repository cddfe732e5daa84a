import { z } from 'zod';
import { choiceAsk, lettered } from './choice-ask.ts';
import { parseBox, parseInterval } from './overlap.ts';
import type { Expected, LoadedBenchmark } from './question.ts';
import { loadQuestions, text, videoFile } from './records.ts';

/**
 * VCR-Bench (HF VLM-Reasoning/VCR-Bench): a JSON array in the form of github zhishuifeiqian/VCR-Bench
 * `eval_code/input.json` @ 5821d784a225895e94ef93d39558c3345aca91fe (`id`, `video_path` relative to the extracted
 * videos, `duration`, `dimension`, `question` with MC options already appended, `multiple-choice`, `choices` {A–D,
 * "" when open}, `answer`, `reasoning`). Open answers are an interval `[s, e]`, a box `[x1, y1, x2, y2]` or text,
 * told apart as `eval_code/eval.py` @ 4e564b77ec3afff0d43da2b539fc288266766147 does (`match_answer`).
 */
const record = z.object({
  id: z.union([z.number().int(), text]),
  video_path: text,
  dimension: text,
  question: text,
  'multiple-choice': z.boolean(),
  choices: z.record(z.string(), z.string()).default({}),
  answer: z.union([text, z.number()]).transform(String),
});

function openAnswer(answer: string): Expected {
  const interval = parseInterval(answer);
  if (interval) return { kind: 'interval', ...interval };
  const box = parseBox(answer);
  return box ? { kind: 'box', box } : { kind: 'open', text: answer };
}

export function loadVcrBench(file: string, videoDir: string): Promise<LoadedBenchmark> {
  return loadQuestions(file, record, (row) => {
    const base = {
      id: String(row.id),
      video: videoFile(videoDir, 'video_path', [row.video_path]),
      category: row.dimension,
      question: row.question,
    };
    if (!row['multiple-choice']) return { ...base, asks: [{ prompt: row.question, expected: openAnswer(row.answer) }] };
    // The published question already ends with its options; only the letter is checked against them.
    const { expected } = choiceAsk(row.question, lettered(row.choices, 'choices'), row.answer, 'answer');
    return { ...base, asks: [{ prompt: row.question, expected }] };
  });
}
