import type { ReportFigure } from '../../../nodes/rewatch/report/types.ts';

interface FunnelBar {
  id: string;
  label: string;
  value: number;
  /** The bar's length as a share of the longest bar, in [0, 1]. */
  share: number;
}

/** The report's funnel counts that have a value, as bars scaled to the largest count. */
export function funnelBars(figures: readonly ReportFigure[]): FunnelBar[] {
  const counted = figures.filter((f): f is ReportFigure & { value: number } => f.section === 'funnel' && f.value !== null);
  const top = Math.max(1, ...counted.map((f) => f.value));
  return counted.map((f) => ({ id: f.id, label: f.label, value: f.value, share: f.value / top }));
}
