import { z } from 'zod';
import { stableId } from '../ids.ts';
import { choiceAsk } from './choice-ask.ts';
import type { LoadedBenchmark } from './question.ts';
import { loadQuestions, text, videoFile } from './records.ts';

/** The app's own multiple-choice format: JSON Lines of {question, options, answer (letter), video, type?, id?}. */
const record = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  question: text,
  options: z.array(z.string()).min(2),
  answer: text,
  video: text,
  type: z.string().default('all'),
});

export function loadJsonlMcq(file: string, videoDir: string): Promise<LoadedBenchmark> {
  return loadQuestions(file, record, (row) => {
    const video = videoFile(videoDir, 'video', [row.video]);
    return {
      id: row.id !== undefined ? String(row.id) : stableId(video, row.question),
      video,
      category: row.type,
      question: row.question,
      asks: [choiceAsk(row.question, row.options, row.answer, 'answer')],
    };
  });
}
