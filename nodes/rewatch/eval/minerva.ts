import { z } from 'zod';
import { optionLetters } from '../answers/choice.ts';
import { choiceAsk } from './choice-ask.ts';
import type { LoadedBenchmark } from './question.ts';
import { loadQuestions, text, videoFile } from './records.ts';

/**
 * MINERVA `minerva.json` (github google-deepmind/neptune README; mirrored as HF lmms-lab-eval/minerva): 5-way
 * multiple choice over YouTube videos the user downloads as `<video_id>.<ext>`. Fields, the A–E letter of
 * `answer_id` and the video lookup as read in github EvolvingLMMs-Lab/lmms-eval `lmms_eval/tasks/minerva/utils.py`
 * @ 6c3e8532f8aeef33fcb5a80d19ef580627763932 (`answer_choice_0…4`, `answer_id`, `question type` with a space or
 * the newer `question_type`, `MINERVA_VIDEO_DIR/<video_id>.{mp4,webm,mkv,mov}`). Unlike lmms-eval, a reply naming no
 * letter is wrong, never a random guess.
 */
const CHOICES = 5;
const VIDEO_EXTENSIONS = ['mp4', 'webm', 'mkv', 'mov'];

const record = z.object({
  key: text,
  video_id: text,
  question: text,
  answer_id: z.coerce.number().int().min(0).max(CHOICES - 1),
  'question type': z.string().optional(),
  question_type: z.string().optional(),
  answer_choice_0: z.string(),
  answer_choice_1: z.string(),
  answer_choice_2: z.string(),
  answer_choice_3: z.string(),
  answer_choice_4: z.string(),
});

export function loadMinerva(file: string, videoDir: string): Promise<LoadedBenchmark> {
  return loadQuestions(file, record, (row) => {
    const choices = [row.answer_choice_0, row.answer_choice_1, row.answer_choice_2, row.answer_choice_3, row.answer_choice_4].map((c) => c.trim());
    return {
      id: row.key,
      video: videoFile(videoDir, 'video_id', VIDEO_EXTENSIONS.map((ext) => `${row.video_id}.${ext}`)),
      category: (row.question_type ?? row['question type'])?.trim() || 'all',
      question: row.question,
      asks: [choiceAsk(row.question, choices, optionLetters(CHOICES)[row.answer_id]!, 'answer_id')],
    };
  });
}
