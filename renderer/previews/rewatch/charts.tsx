import type { Histogram } from './histogram.ts';
import type { Point } from './metric-series.ts';

const WIDTH = 220;
const HEIGHT = 80;
const fmt = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(2));

/** A histogram as bars, with its range below. */
export function HistogramChart({ title, data }: { title: string; data: Histogram }) {
  const top = Math.max(1, ...data.counts);
  const bar = WIDTH / data.counts.length;
  return (
    <figure className="mini-chart" data-testid="histogram">
      <figcaption>{title}</figcaption>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title} histogram`}>
        {data.counts.map((count, i) => (
          <rect key={i} x={i * bar + 1} width={bar - 2} y={HEIGHT - (count / top) * HEIGHT} height={(count / top) * HEIGHT}>
            <title>{count}</title>
          </rect>
        ))}
      </svg>
      <div className="mini-chart-axis muted">
        <span>{fmt(data.min)}</span>
        <span>{fmt(data.max)}</span>
      </div>
    </figure>
  );
}

/** A series as a line over its x range, with the first and last values. */
export function LineChart({ title, points }: { title: string; points: Point[] }) {
  if (points.length === 0) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => (x1 === x0 ? WIDTH / 2 : ((x - x0) / (x1 - x0)) * WIDTH);
  const sy = (y: number) => (y1 === y0 ? HEIGHT / 2 : HEIGHT - ((y - y0) / (y1 - y0)) * (HEIGHT - 4) - 2);
  return (
    <figure className="mini-chart" data-testid="line-chart">
      <figcaption>
        {title} <span className="muted">{fmt(ys[0]!)} → {fmt(ys.at(-1)!)}</span>
      </figcaption>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title} over steps`}>
        <polyline fill="none" points={points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')} />
      </svg>
      <div className="mini-chart-axis muted">
        <span>step {x0}</span>
        <span>{x1}</span>
      </div>
    </figure>
  );
}
