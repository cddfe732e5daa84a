import type { TrainingMetric } from '../../../nodes/rewatch/train/types.ts';

export const CHARTED_METRICS = ['loss', 'reward', 'accuracy', 'kl'] as const;
export type ChartedMetric = (typeof CHARTED_METRICS)[number];

export interface Point {
  x: number;
  y: number;
}

/** One metric over the steps that logged it, in step order (trainers log each metric on their own steps). */
export function metricSeries(metrics: readonly TrainingMetric[], name: ChartedMetric): Point[] {
  return metrics
    .flatMap((m) => {
      const value = m[name];
      return value !== undefined && Number.isFinite(value) ? [{ x: m.step, y: value }] : [];
    })
    .sort((a, b) => a.x - b.x);
}
