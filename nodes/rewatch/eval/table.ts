import { BENCHMARKS, PAPER_BENCHMARKS, type BenchmarkId } from './benchmarks.ts';
import { PAPER_ROWS } from './paper-table.ts';
import type { Mode } from './reply.ts';
import type { ResultsRow, ResultsTable } from './results-types.ts';
import type { EvaluationReport } from './types.ts';

interface TableOptions {
  mode: Mode;
  paperRows: boolean;
  /** Model names (evaluated or the paper's) to compare; no comparison unless both are given. */
  compare?: { baseline: string; candidate: string };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The mean over the paper's five benchmarks, as the paper's Avg column; null when one of them has no score. */
export function paperAverage(scores: Readonly<Record<string, number | null | undefined>>): number | null {
  const values = PAPER_BENCHMARKS.map((b) => scores[b]);
  if (values.some((v) => v === null || v === undefined)) return null;
  return round2((values as number[]).reduce((sum, v) => sum + v, 0) / values.length);
}

function evaluatedRows(reports: readonly EvaluationReport[], mode: Mode, notes: string[]): ResultsRow[] {
  const byModel = new Map<string, Record<string, number | null>>();
  const seen = new Set<string>();
  for (const report of reports) {
    const key = `${report.model}\u0000${report.benchmark}`;
    if (seen.has(key)) throw new Error(`reports: two reports for model "${report.model}" on ${report.title}; give each evaluation its own model name`);
    seen.add(key);
    const scores = byModel.get(report.model) ?? {};
    byModel.set(report.model, scores);
    const result = report.modes[mode];
    scores[report.benchmark] = result?.accuracy ?? null;
    if (!result) notes.push(`${report.model} on ${report.title}: evaluated without ${mode} mode`);
    else if (result.unparsed + result.errors > 0) {
      notes.push(`${report.model} on ${report.title}: ${result.unparsed} unparsable and ${result.errors} failed replies counted wrong`);
    }
    if (report.rejected.length) notes.push(`${report.model} on ${report.title}: ${report.rejected.length} records rejected (not asked)`);
  }
  return [...byModel].map(([model, scores]) => ({ model, source: 'evaluated', scores, average: paperAverage(scores) }));
}

function comparison(rows: readonly ResultsRow[], columns: readonly BenchmarkId[], compare: TableOptions['compare']): ResultsTable['comparison'] {
  if (!compare) return null;
  const find = (field: 'baseline' | 'candidate') => {
    const row = rows.find((r) => r.model === compare[field]);
    if (!row) throw new Error(`${field}: no row named "${compare[field]}" (rows: ${rows.map((r) => r.model).join(', ')})`);
    return row;
  };
  const [baseline, candidate] = [find('baseline'), find('candidate')];
  const delta = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? null : round2(b - a));
  return {
    baseline: baseline.model,
    candidate: candidate.model,
    deltas: Object.fromEntries(columns.map((b) => [b, delta(baseline.scores[b], candidate.scores[b])])),
    average: delta(baseline.average, candidate.average),
  };
}

/** The paper's table from evaluation reports: a row per model, a column per benchmark (the paper's five first). */
export function resultsTable(reports: readonly EvaluationReport[], options: TableOptions): ResultsTable {
  const notes: string[] = [];
  const evaluated = evaluatedRows(reports, options.mode, notes);
  const others = [...new Set(reports.map((r) => r.benchmark))].filter((b) => !(PAPER_BENCHMARKS as readonly string[]).includes(b));
  const columns: BenchmarkId[] = [...PAPER_BENCHMARKS, ...others];
  const paper: ResultsRow[] = options.paperRows
    ? PAPER_ROWS.map((row) => ({ model: row.model, source: 'paper', scores: { ...row.scores }, average: row.average }))
    : [];
  const rows = [...evaluated, ...paper];
  for (const benchmark of new Set(reports.map((r) => r.benchmark))) {
    const audio = BENCHMARKS[benchmark].audio;
    if (audio) notes.push(audio);
  }
  return {
    mode: options.mode,
    columns: columns.map((benchmark) => ({ benchmark, title: BENCHMARKS[benchmark].title })),
    rows,
    comparison: comparison(rows, columns, options.compare),
    notes,
  };
}
