import { z } from 'zod';
import { choiceAsk } from './choice-ask.ts';
import type { Ask, LoadedBenchmark } from './question.ts';
import { buildQuestions, parseRecords, readRecords, RecordProblem, text, videoFile, type ParsedRecord } from './records.ts';

/**
 * VideoMathQA (HF MBZUAI/VideoMathQA, configs `mcq` and `multi_binary`, Parquet). Fields, the video lookup and the
 * multi-binary rule as read in github EvolvingLMMs-Lab/lmms-eval `lmms_eval/tasks/videomathqa/utils.py`
 * @ 1741440d9ac6c14e6c97c67f05065994f976c3ad (the official evaluator per github mbzuai-oryx/VideoMathQA):
 * `question_id`, `videoID`, `question`, `options` (already lettered), `answer` letter, `category`, `length`;
 * videos `videos/<videoID>.mp4` (or `.MP4`, `.mkv`). In `multi_binary` every row is one two-option pair and the rows
 * sharing a `question_id` form one question, right only when every pair is (`videomathqa_multi_binary_aggregate_results`).
 */
const record = z.object({
  question_id: z.union([z.number().int(), text]).transform(String),
  videoID: text,
  question: text,
  options: z.array(z.string()).min(2),
  answer: text,
  category: text,
  length: z.string().optional(),
});
type Row = z.output<typeof record>;

/** Rows by `question_id`, in the order each id first appears. */
function byQuestion(parsed: readonly ParsedRecord<Row>[]): ParsedRecord<Row[]>[] {
  const groups = new Map<string, ParsedRecord<Row[]>>();
  for (const { label, row } of parsed) {
    const group = groups.get(row.question_id);
    if (group) group.row.push(row);
    else groups.set(row.question_id, { label, row: [row] });
  }
  return [...groups.values()];
}

export async function loadVideoMathQa(file: string, videoDir: string): Promise<LoadedBenchmark> {
  const { parsed, rejected } = parseRecords(file, await readRecords(file), record);
  const loaded = buildQuestions(file, byQuestion(parsed), (rows) => {
    const [first] = rows as [Row, ...Row[]];
    if (rows.some((row) => row.videoID !== first.videoID)) {
      throw new RecordProblem('videoID', `the pairs of question ${first.question_id} name different videos`);
    }
    if (rows.length > 1 && rows.some((row) => row.options.length !== 2)) {
      throw new RecordProblem('options', `question ${first.question_id} has ${rows.length} rows, so each must be a two-option pair`);
    }
    const asks = rows.map((row) => choiceAsk(row.question, row.options, row.answer, 'answer')) as [Ask, ...Ask[]];
    return {
      id: first.question_id,
      video: videoFile(videoDir, 'videoID', ['mp4', 'MP4', 'mkv'].map((ext) => `${first.videoID}.${ext}`)),
      category: first.category,
      question: first.question,
      asks,
    };
  });
  return { questions: loaded.questions, rejected: [...rejected, ...loaded.rejected] };
}
