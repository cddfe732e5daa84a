import { exportNode } from './core/export.ts';
import { filter } from './core/filter.ts';
import { jsonlSource } from './core/jsonl-source.ts';
import { llmMap } from './core/llm-map.ts';
import { summarizer } from './rewatch/captions/summarizer.ts';
import { answerFilter } from './rewatch/qa/answer-filter.ts';
import { contrastiveQa } from './rewatch/qa/contrastive-qa.ts';
import { grpoExport } from './rewatch/export/grpo-export.ts';
import { sftExport } from './rewatch/export/sft-export.ts';
import { mcqReformulation } from './rewatch/qa/mcq.ts';
import { cotConvert } from './rewatch/reasoning/cot-convert.ts';
import { react } from './rewatch/reasoning/react.ts';
import { datasetReport } from './rewatch/report/dataset-report.ts';
import { videoSplit } from './rewatch/split/video-split.ts';
import { orReward } from './rewatch/reward/or-reward.ts';
import { orServedReward } from './rewatch/reward/served-reward.ts';
import { evaluate } from './rewatch/eval/evaluate.ts';
import { resultsTableNode } from './rewatch/eval/results-table.ts';
import { grpoLauncher } from './rewatch/train/grpo-launcher.ts';
import { modelServer } from './rewatch/train/model-server.ts';
import { sftLauncher } from './rewatch/train/sft-launcher.ts';
import { summaryBiasFilter } from './rewatch/qa/summary-bias-filter.ts';
import { textBiasFilter } from './rewatch/qa/text-bias-filter.ts';
import { captioner } from './rewatch/video/captioner.ts';
import { segmenter } from './rewatch/video/segmenter.ts';
import { videoSource } from './rewatch/video/source.ts';
import type { NodeDefinition, RewardDefinition } from './sdk/index.ts';

/** Every installed node type. A new node type is a module in its stage's folder and one line here. */
export const nodeDefinitions: readonly NodeDefinition[] = [
  jsonlSource,
  llmMap,
  filter,
  exportNode,
  videoSource,
  segmenter,
  captioner,
  summarizer,
  contrastiveQa,
  answerFilter,
  textBiasFilter,
  summaryBiasFilter,
  mcqReformulation,
  videoSplit,
  react,
  cotConvert,
  orReward,
  sftExport,
  grpoExport,
  datasetReport,
  sftLauncher,
  grpoLauncher,
  modelServer,
  evaluate,
  resultsTableNode,
];

/** The reward the engine serves to the trainers nodes launch and to `rewatch reward-server`. */
export const servedReward: RewardDefinition = orServedReward;
