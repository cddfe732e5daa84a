/** A logged step: `step` and the values logged at it (a trainer's metrics, stored or live). */
type MetricRecord = { step: number } & { [name: string]: number | undefined };

export const CHARTED_METRICS = ['loss', 'reward', 'accuracy', 'kl'] as const;
type ChartedMetric = (typeof CHARTED_METRICS)[number];

export interface Point {
  x: number;
  y: number;
}

/** One metric over the steps that logged it, in step order (trainers log each metric on their own steps). */
export function metricSeries(metrics: readonly MetricRecord[], name: ChartedMetric): Point[] {
  return metrics
    .flatMap((m) => {
      const value = m[name];
      return value !== undefined && Number.isFinite(value) ? [{ x: m.step, y: value }] : [];
    })
    .sort((a, b) => a.x - b.x);
}
