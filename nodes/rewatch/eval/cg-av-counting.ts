import { z } from 'zod';
import type { LoadedBenchmark } from './question.ts';
import { loadQuestions, RecordProblem, text, videoFile } from './records.ts';

/**
 * CG-AV-Counting `cg-av-counting.json` (HF CG-Bench/CG-AV-Counting, gated): a JSON array of counting questions over
 * the long videos of `cg_videos_720p/` (the `long_acc` protocol). Fields as read in github AV-Reasoner/AV-Reasoner
 * `eval/interface_long_acc.py` @ 01a55c9ad0d7055b2b625b714e6746614bdf51b3 (`index`, `video`, `question_en`,
 * `answer`) and github EvolvingLMMs-Lab/lmms-eval `lmms_eval/tasks/cgav_counting/utils.py`
 * @ 593851645597652776b39c812f99064b35aa29f4 (`question`, `type`, `category`): the official scripts name the
 * question `question_en`, the toolkit `question`; either is read.
 */
const MODALITY_TYPES = ['V', 'A', 'A2V', 'V2A', 'AV'] as const;

const record = z.object({
  index: z.union([z.number().int(), text]),
  video: text,
  question: text.optional(),
  question_en: text.optional(),
  answer: z.coerce.number().int().min(0),
  type: z.enum(MODALITY_TYPES),
  category: z.string().optional(),
});

export function loadCgAvCounting(file: string, videoDir: string): Promise<LoadedBenchmark> {
  return loadQuestions(file, record, (row) => {
    const question = row.question_en ?? row.question;
    if (!question) throw new RecordProblem('question', 'neither question_en nor question is given');
    return {
      id: String(row.index),
      video: videoFile(videoDir, 'video', [row.video]),
      // The modality type says whether the count needs audio, which a video-only model never hears.
      category: row.type,
      question,
      asks: [{ prompt: question, expected: { kind: 'count', value: row.answer } }],
    };
  });
}
