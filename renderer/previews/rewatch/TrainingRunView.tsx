import type { TrainingRun } from '../../../nodes/rewatch/train/types.ts';
import { LineChart } from './charts.tsx';
import { CHARTED_METRICS, metricSeries } from './metric-series.ts';

/** A training job: where it ran and saved, its exit code, and loss / reward / accuracy / KL over the steps. */
export function TrainingRunBody({ data }: { data: TrainingRun }) {
  return (
    <div className="item-body">
      <p className="mono">
        {data.trainer} · {data.host} · job {data.jobId} · exit {data.exitCode ?? '—'}
      </p>
      <p className="mono muted">{data.checkpointPath}</p>
      <div className="mini-charts">
        {CHARTED_METRICS.map((name) => (
          <LineChart key={name} title={name} points={metricSeries(data.metrics, name)} />
        ))}
      </div>
      {data.metrics.length === 0 && <p className="muted">The trainer logged no metrics.</p>}
    </div>
  );
}
