import { z } from 'zod';
import { defineOnceNode } from '../../sdk/index.ts';
import { MODES } from './reply.ts';
import { ResultsTableType } from './results-types.ts';
import { resultsTable } from './table.ts';
import { EvaluationReportType } from './types.ts';

const config = z.object({
  mode: z.enum(MODES).default('thinking').meta({ description: 'Which mode’s accuracy fills the table (the paper reports thinking).' }),
  paperRows: z.boolean().default(true).meta({ description: 'Show the paper’s rows beside the evaluated ones, for reference.' }),
  baseline: z.string().default('').meta({ description: 'A row (evaluated model or paper row) to compare from.' }),
  candidate: z.string().default('').meta({ description: 'A row to compare with the baseline: its deltas per benchmark.' }),
});

export const resultsTableNode = defineOnceNode({
  type: 'rewatch.results-table',
  version: 1,
  title: 'Results table',
  category: 'Evaluation',
  description:
    'Assembles the paper’s table from evaluation reports: one row per evaluated model, one column per benchmark ' +
    'and the average over the five, the paper’s rows beside them, and the deltas between two chosen rows.',
  inputs: {
    reports: { type: EvaluationReportType, description: 'The reports of evaluate nodes, one per model and benchmark.', multiple: true },
  },
  outputs: {
    table: { type: ResultsTableType, description: 'One record: the table, the comparison and the notes.' },
  },
  config,
  async execute(_ctx, { reports }, c) {
    if (Boolean(c.baseline) !== Boolean(c.candidate)) throw new Error(`${c.baseline ? 'candidate' : 'baseline'}: set both rows to compare`);
    const compare = c.baseline ? { compare: { baseline: c.baseline, candidate: c.candidate } } : {};
    return { table: [resultsTable(reports.toArray(), { mode: c.mode, paperRows: c.paperRows, ...compare })] };
  },
});
