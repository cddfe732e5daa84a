import type { Dataset } from '../types.ts';

export type Trainer = 'SFT' | 'GRPO';

const TRAINER_OF: Record<Dataset['format'], Trainer> = { llamafactory: 'SFT', 'ms-swift': 'SFT', easyr1: 'GRPO', verl: 'GRPO' };

export interface ExportedRows {
  trainer: Trainer;
  task: string;
  rows: number;
  /** Set when the formats of one trainer hold different row counts for the task: rows per format. */
  disagreement?: string;
}

/**
 * Rows per trainer and task (`caption`, `direct`, `cot`; `train`, `val`). An export writes one Dataset item per format
 * with the same rows, so formats are not added up: items of one format are, and the trainer's count is the largest
 * of its formats, with the disagreement named when formats differ.
 */
export function exportedRows(datasets: Iterable<Dataset>): ExportedRows[] {
  const byFormat = new Map<Dataset['format'], Map<string, number>>();
  for (const dataset of datasets) {
    const rows = byFormat.get(dataset.format) ?? new Map<string, number>();
    for (const [task, n] of Object.entries(dataset.rows)) rows.set(task, (rows.get(task) ?? 0) + n);
    byFormat.set(dataset.format, rows);
  }
  const perTask = new Map<string, { trainer: Trainer; task: string; formats: Array<[string, number]> }>();
  for (const [format, rows] of [...byFormat].sort(([a], [b]) => a.localeCompare(b))) {
    const trainer = TRAINER_OF[format];
    for (const [task, n] of rows) {
      const key = `${trainer}\u0000${task}`;
      const entry = perTask.get(key) ?? { trainer, task, formats: [] };
      entry.formats.push([format, n]);
      perTask.set(key, entry);
    }
  }
  return [...perTask.values()].map(({ trainer, task, formats }) => {
    const counts = formats.map(([, n]) => n);
    const agree = counts.every((n) => n === counts[0]);
    return {
      trainer,
      task,
      rows: Math.max(...counts),
      ...(agree ? {} : { disagreement: formats.map(([format, n]) => `${format}: ${n}`).join(', ') }),
    };
  });
}
