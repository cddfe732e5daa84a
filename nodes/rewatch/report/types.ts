import { z } from 'zod';
import { defineDataType } from '../../sdk/index.ts';
import { datasetSchema } from '../types.ts';
import { FIGURE_UNITS, REPORT_SECTIONS } from './figure-kinds.ts';

const paperFigureSchema = z.object({
  value: z.number(),
  /** Where the paper states it, quoted briefly. */
  source: z.string(),
  /** The same figure for the dataset the paper compares against, when it gives one. */
  contrast: z.object({ label: z.string(), value: z.number() }).optional(),
  /** What the paper's figure measures, when that differs from what a data run can measure. */
  note: z.string().optional(),
});
export type PaperFigure = z.infer<typeof paperFigureSchema>;

const reportFigureSchema = z.object({
  id: z.string(),
  section: z.enum(REPORT_SECTIONS),
  label: z.string(),
  unit: z.enum(FIGURE_UNITS),
  /** Null when the items it is computed from were not given (an unconnected or empty input). */
  value: z.number().nullable(),
  /** What the value was computed from, e.g. "12 CoTs". */
  basis: z.string(),
  /** Null when the paper gives no such figure. */
  paper: paperFigureSchema.nullable(),
});
export type ReportFigure = z.infer<typeof reportFigureSchema>;

const probeReplySchema = z.object({
  questionId: z.string(),
  reply: z.string(),
  /** Why the answer parser chose no option (ambiguous, a refusal, a letter outside the options…). */
  reason: z.string(),
});

const textOnlyProbeSchema = z.object({
  probe: z.string(),
  /** Multiple-choice questions in the final set, and how many of them (seeded sample) were asked. */
  questions: z.number().int().min(0),
  asked: z.number().int().min(0),
  correct: z.number().int().min(0),
  /** Replies naming no option: graded wrong and kept here with their text. */
  unparsable: z.array(probeReplySchema),
  /** Requests that got no reply: left out of the accuracy, with the error and any raw text. */
  failed: z.array(z.object({ questionId: z.string(), error: z.string(), raw: z.string().optional() })),
});
export type TextOnlyProbe = z.infer<typeof textOnlyProbeSchema>;

const datasetReportSchema = z.object({
  figures: z.array(reportFigureSchema),
  /** Null when the probe was turned off or there was no multiple-choice question to ask. */
  textOnly: textOnlyProbeSchema.nullable(),
  /** The report as written: dataset-report.json and dataset-report.md. */
  files: datasetSchema.shape.files,
});
export type DatasetReport = z.infer<typeof datasetReportSchema>;

export const DatasetReportType = defineDataType({
  id: 'DatasetReport',
  title: 'Dataset report',
  description: 'A run’s data figures (the funnel, filters, question mix, CoT statistics, text-only accuracy) beside the paper’s.',
  color: '#5eead4',
  schema: datasetReportSchema,
});
