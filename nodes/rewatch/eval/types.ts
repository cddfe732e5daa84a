import { z } from 'zod';
import { defineDataType } from '../../sdk/index.ts';
import { BENCHMARK_IDS } from './benchmarks.ts';
import { MODES } from './reply.ts';

/** `scored`: read and scored; `unparsed`: the reply stated no readable answer; `error`: no reply. Both count wrong. */
const ASK_STATUSES = ['scored', 'unparsed', 'error'] as const;

const askResultSchema = z.object({
  answer: z.string(),
  predicted: z.string().nullable(),
  correct: z.boolean(),
  status: z.enum(ASK_STATUSES),
  /** The model's reply as sent (for an error, the raw text the failure carried, if any). */
  reply: z.string().nullable(),
  /** How a rule decided: the overlap, or the judge's reason. */
  detail: z.string().optional(),
  error: z.string().optional(),
});
export type AskResult = z.infer<typeof askResultSchema>;

const evaluationResultSchema = z.object({
  benchmark: z.enum(BENCHMARK_IDS),
  questionId: z.string(),
  index: z.number().int(),
  category: z.string(),
  mode: z.enum(MODES),
  /** Right only when every ask is (all-pairs-right for VideoMathQA's multi-binary form). */
  correct: z.boolean(),
  /** The worst of its asks' statuses. */
  status: z.enum(ASK_STATUSES),
  asks: z.array(askResultSchema).min(1),
  /** Counting benchmarks: the capped absolute error of the count. */
  absError: z.number().optional(),
});
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

const percent = z.number().min(0).max(100).nullable();

const tallySchema = z.object({
  /** Correct among all questions, in percent with two decimals; errors and unparsable replies count wrong. */
  accuracy: percent,
  total: z.number().int(),
  correct: z.number().int(),
  unparsed: z.number().int(),
  errors: z.number().int(),
});
export type Tally = z.infer<typeof tallySchema>;

const modeReportSchema = tallySchema.extend({
  byCategory: z.record(z.string(), tallySchema),
  /** Counting: off-by-one accuracy (%) and mean absolute error. */
  offByOne: percent.optional(),
  mae: z.number().nullable().optional(),
  /** The questions that errored or stated no readable answer: counted wrong, listed here. */
  unscored: z.array(z.object({ questionId: z.string(), status: z.enum(['unparsed', 'error']) })),
});
export type ModeReport = z.infer<typeof modeReportSchema>;

const evaluationReportSchema = z.object({
  benchmark: z.enum(BENCHMARK_IDS),
  title: z.string(),
  /** The evaluated model: a row of the results table. */
  model: z.string(),
  questions: z.number().int(),
  rejected: z.array(z.object({ file: z.string(), record: z.string(), field: z.string(), message: z.string() })),
  frames: z.object({ fps: z.number(), minFrames: z.number(), maxFrames: z.number(), maxPixels: z.number() }),
  /** What a video-only model is scored on, for benchmarks made for audio too. */
  audio: z.string().optional(),
  modes: z.partialRecord(z.enum(MODES), modeReportSchema),
});
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;

export const EvaluationResultType = defineDataType({
  id: 'EvaluationResult',
  title: 'Evaluation result',
  description: 'One benchmark question asked in one mode: each reply, what it was read as, and whether it was right.',
  color: '#10b981',
  schema: evaluationResultSchema,
});

export const EvaluationReportType = defineDataType({
  id: 'EvaluationReport',
  title: 'Evaluation report',
  description: 'A model’s accuracy on one benchmark per mode, overall and by category, with the rejected records.',
  color: '#86efac',
  schema: evaluationReportSchema,
});
