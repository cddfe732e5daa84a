import type { Dataset } from '../types.ts';

export type Trainer = 'SFT' | 'GRPO';

const TRAINER_OF: Record<Dataset['stage'], Trainer> = { sft: 'SFT', grpo: 'GRPO' };

interface ExportedRows {
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
  const byFormat = new Map<string, { trainer: Trainer; format: Dataset['format']; rows: Map<string, number> }>();
  for (const dataset of datasets) {
    const key = `${dataset.stage}\u0000${dataset.format}`;
    const entry = byFormat.get(key) ?? { trainer: TRAINER_OF[dataset.stage], format: dataset.format, rows: new Map<string, number>() };
    for (const [task, n] of Object.entries(dataset.rows)) entry.rows.set(task, (entry.rows.get(task) ?? 0) + n);
    byFormat.set(key, entry);
  }
  const perTask = new Map<string, { trainer: Trainer; task: string; formats: Array<[string, number]> }>();
  for (const { trainer, format, rows } of [...byFormat.values()].sort((a, b) => a.format.localeCompare(b.format))) {
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
