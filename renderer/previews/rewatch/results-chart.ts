import type { ResultsTable } from '../../../nodes/rewatch/eval/results-types.ts';

interface ChartBar {
  model: string;
  source: 'evaluated' | 'paper';
  /** Accuracy in percent; null when the model has no score there (drawn as a gap). */
  value: number | null;
}

export interface ChartGroup {
  label: string;
  bars: ChartBar[];
}

/** The table as bar groups: one per benchmark column and one for the average, a bar per row shown. */
export function chartGroups(table: ResultsTable, withPaperRows: boolean): ChartGroup[] {
  const rows = table.rows.filter((row) => withPaperRows || row.source === 'evaluated');
  const bars = (value: (row: ResultsTable['rows'][number]) => number | null | undefined) =>
    rows.map((row) => ({ model: row.model, source: row.source, value: value(row) ?? null }));
  return [
    ...table.columns.map((column) => ({ label: column.title, bars: bars((row) => row.scores[column.benchmark]) })),
    { label: 'Avg', bars: bars((row) => row.average) },
  ];
}

/** A delta as the table prints it: `+1.25`, `−0.50`, `0.00`, or `—` when one side has no score. */
export function formatDelta(delta: number | null): string {
  if (delta === null) return '—';
  if (delta === 0) return '0.00';
  return `${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}`;
}
