/**
 * How report figures are shown, shared by the Markdown file and the editor's preview: browser-safe (type imports only).
 */
import type { FigureUnit, ReportSection } from './figure-kinds.ts';
import type { ReportFigure } from './types.ts';

export const SECTION_TITLES: Record<ReportSection, string> = {
  funnel: 'Counts through the pipeline',
  filters: 'Filters (F1 answer check, F2 text bias, F3 summary bias)',
  questions: 'Final question set',
  captions: 'Captions',
  reasoning: 'Re-watching trajectories and CoTs',
  probe: 'Text-only probe',
};

export function formatValue(value: number | null, unit: FigureUnit): string {
  if (value === null) return '—';
  switch (unit) {
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'percent':
      return `${value.toFixed(1)} %`;
    case 'per-minute':
      return `${value.toFixed(2)} / min`;
    case 'mean':
      return value.toFixed(2);
    case 'tokens':
      return value.toFixed(2);
  }
}

/** The paper's figure as shown: its value, and the compared dataset's in brackets; a sentence when it gives none. */
export function formatPaper(figure: ReportFigure): string {
  const { paper, unit } = figure;
  if (!paper) return 'no figure in the paper';
  const contrast = paper.contrast ? ` (${paper.contrast.label}: ${formatValue(paper.contrast.value, unit)})` : '';
  return `${formatValue(paper.value, unit)}${contrast}`;
}

/** This run's value over the paper's; null when either is missing. */
export function paperRatio(figure: ReportFigure): number | null {
  return figure.value !== null && figure.paper && figure.paper.value !== 0 ? figure.value / figure.paper.value : null;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${Number(ratio.toPrecision(3))}×`;
}
