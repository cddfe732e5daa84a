import { CHARTED_METRICS, metricSeries } from './rewatch/metric-series.ts';
import { LineChart } from './rewatch/charts.tsx';
import { useNodeMetrics } from './use-node-metrics.ts';

/** The curves a running node records (a trainer's loss, reward, accuracy, KL), growing as the job logs them. */
export function LiveMetrics({ runId, nodeId }: { runId: string; nodeId: string }) {
  const points = useNodeMetrics(runId, nodeId);
  if (points.length === 0) return null;
  const last = points.at(-1)!;
  return (
    <div className="live-metrics" data-testid="live-metrics">
      <p className="muted">
        {points.length} logged step{points.length === 1 ? '' : 's'} so far · last step {last.step}
      </p>
      <div className="mini-charts">
        {CHARTED_METRICS.map((name) => (
          <LineChart key={name} title={name} points={metricSeries(points, name)} />
        ))}
      </div>
    </div>
  );
}
