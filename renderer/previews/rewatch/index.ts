import type { PreviewKind } from '../registry.ts';
import { CotBody } from './CotView.tsx';
import { DatasetReportBody } from './DatasetReportView.tsx';
import { DatasetBody } from './DatasetView.tsx';
import { FilterVerdictView } from './FilterVerdictView.tsx';
import { ResultsTableBody } from './ResultsTableView.tsx';
import { RewardView } from './RewardView.tsx';
import { singleItemPreview } from './single-item.tsx';
import { TrainingRunBody } from './TrainingRunView.tsx';
import { TrajectoryBody } from './TrajectoryView.tsx';

/** Previews of the ReWatch-R1 data types, by data type id. */
export const REWATCH_PREVIEWS: Array<[string, PreviewKind[]]> = [
  ['FilterVerdict', [{ id: 'verdicts', title: 'Verdicts', component: FilterVerdictView }]],
  ['Trajectory', [{ id: 'trajectory', title: 'Trajectory', component: singleItemPreview('trajectory', TrajectoryBody) }]],
  ['CoT', [{ id: 'cot', title: 'Chain of thought', component: singleItemPreview('chain of thought', CotBody) }]],
  ['RewardBreakdown', [{ id: 'reward', title: 'Reward', component: RewardView }]],
  ['Dataset', [{ id: 'dataset', title: 'Dataset', component: singleItemPreview('dataset', DatasetBody) }]],
  ['DatasetReport', [{ id: 'dataset-report', title: 'Dataset report', component: singleItemPreview('report', DatasetReportBody) }]],
  ['TrainingRun', [{ id: 'training', title: 'Training run', component: singleItemPreview('training run', TrainingRunBody) }]],
  ['ResultsTable', [{ id: 'results', title: 'Results table', component: singleItemPreview('results table', ResultsTableBody) }]],
];
