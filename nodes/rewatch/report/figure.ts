import type { FigureUnit, ReportSection } from './figure-kinds.ts';
import type { PaperFigure, ReportFigure } from './types.ts';

/** A figure of one report section; `paper` left out when the paper gives no such figure. */
export function figure(
  section: ReportSection,
  spec: { id: string; label: string; unit: FigureUnit; value: number | null; basis: string; paper?: PaperFigure },
): ReportFigure {
  const { paper, ...rest } = spec;
  return { section, ...rest, paper: paper ?? null };
}

/** `part / whole` in percent; null when there is no whole. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? (part / whole) * 100 : null;
}

export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : null;
}

/** "1 CoT", "12 CoTs", "3 summaries". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}
