import { useMemo } from 'react';
import type { RewardBreakdown } from '../../../nodes/rewatch/types.ts';
import { formatCount } from '../../runs/format.ts';
import type { PreviewProps } from '../registry.ts';
import { HistogramChart } from './charts.tsx';
import { histogram } from './histogram.ts';
import { REWARD_COMPONENTS, REWARD_SAMPLE } from './reward-stats.ts';
import { singleItemPreview } from './single-item.tsx';
import { useOutputSample } from './use-output-query.ts';

const BINS = 20;
const COMPONENTS = REWARD_COMPONENTS;

function RewardBody({ data }: { data: RewardBreakdown }) {
  return (
    <div className="item-body">
      <p className="mono" data-testid="reward-row">
        {COMPONENTS.map(([label, key]) => `${label} ${data[key].toFixed(2)}`).join(' · ')}
      </p>
      <p>
        <strong>accuracy</strong> {data.notes.accuracy}
      </p>
      <ul>
        {data.notes.observations.map((o, i) => (
          <li key={i}>
            <span className="mono">{o.action}</span> → {o.observation} <span className="tag">{o.score.toFixed(2)}</span> <span className="muted">{o.note}</span>
          </li>
        ))}
      </ul>
      <p>
        <strong>reasoning</strong> {data.notes.reasoning}
      </p>
      <p>
        <strong>format</strong> {data.notes.format}
      </p>
    </div>
  );
}

const RewardRows = singleItemPreview('reward', RewardBody);

/** The O&R reward: histograms of each component over a sample of the rows, then the rows one by one. */
export function RewardView(props: PreviewProps) {
  const sample = useOutputSample(props.output, props.output.where, REWARD_SAMPLE);
  const charts = useMemo(
    () => sample && COMPONENTS.map(([label, key]) => ({ label, data: histogram(sample.map((i) => (i.data as RewardBreakdown)[key]), BINS) })),
    [sample],
  );
  return (
    <div className="reward-view">
      <div className="mini-charts">
        {charts ? charts.map((c) => <HistogramChart key={c.label} title={c.label} data={c.data} />) : <span className="muted">sampling…</span>}
        {sample && <span className="muted">over {formatCount(sample.length)} rows</span>}
      </div>
      <RewardRows {...props} />
    </div>
  );
}
