import { z } from 'zod';
import { defineDataType } from '../../sdk/index.ts';
import { BENCHMARK_IDS } from './benchmarks.ts';
import { MODES } from './reply.ts';

const score = z.number().nullable();

const resultsRowSchema = z.object({
  model: z.string(),
  /** `evaluated`: from this graph's reports; `paper`: the paper's printed row, for reference. */
  source: z.enum(['evaluated', 'paper']),
  /** Accuracy (%) by benchmark id; null where the model has no result in the table's mode. */
  scores: z.record(z.string(), score),
  /** The mean over the paper's five benchmarks; null unless all five have a score. */
  average: score,
});
export type ResultsRow = z.infer<typeof resultsRowSchema>;

const resultsTableSchema = z.object({
  mode: z.enum(MODES),
  columns: z.array(z.object({ benchmark: z.enum(BENCHMARK_IDS), title: z.string() })),
  rows: z.array(resultsRowSchema),
  /** `candidate − baseline` per benchmark and on average, in accuracy points. */
  comparison: z
    .object({ baseline: z.string(), candidate: z.string(), deltas: z.record(z.string(), score), average: score })
    .nullable(),
  /** What a reader must know: audio the models did not get, rejected records, missing results. */
  notes: z.array(z.string()),
});
export type ResultsTable = z.infer<typeof resultsTableSchema>;

export const ResultsTableType = defineDataType({
  id: 'ResultsTable',
  title: 'Results table',
  description: 'The paper’s table: one row per model, one column per benchmark and the average, with the paper’s rows.',
  color: '#d8b4fe',
  schema: resultsTableSchema,
});
