import { z } from 'zod';
import { choiceAsk, lettered } from './choice-ask.ts';
import type { LoadedBenchmark } from './question.ts';
import { loadQuestions, text, videoFile } from './records.ts';

/**
 * Video-Holmes `test_Video-Holmes.json` (HF TencentARC/Video-Holmes): a JSON array of 6-way multiple-choice
 * questions; videos are `<video ID>.mp4` in the released `videos/` folder. Fields and the exact-letter rule as read
 * in github TencentARC/Video-Holmes `evaluate.py` @ 7745c875dc514d44c5426fa57cbe7933f3306d40 (`video ID`,
 * `Question ID`, `Question Type`, `Question`, `Options` {A–F}, `Answer`; accuracy overall and per question type).
 */
const record = z.object({
  'video ID': text,
  'Question ID': z.union([z.number().int(), text]),
  'Question Type': text,
  Question: text,
  Options: z.record(z.string(), z.string()),
  Answer: text,
});

export function loadVideoHolmes(file: string, videoDir: string): Promise<LoadedBenchmark> {
  return loadQuestions(file, record, (row) => ({
    id: String(row['Question ID']),
    video: videoFile(videoDir, 'video ID', [`${row['video ID']}.mp4`]),
    category: row['Question Type'],
    question: row.Question,
    asks: [choiceAsk(row.Question, lettered(row.Options, 'Options'), row.Answer, 'Answer')],
  }));
}
