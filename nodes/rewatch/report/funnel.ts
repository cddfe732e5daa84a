import type { ItemCollection } from '../../sdk/index.ts';
import type { CoT, Dataset, DenseCaption, MCQ, QA, Segment, Summary, Trajectory, Video } from '../types.ts';
import { exportedRows } from './exported-rows.ts';
import { figure, plural } from './figure.ts';
import { PAPER } from './paper.ts';
import type { PaperFigure, ReportFigure } from './types.ts';
import type { StageTally } from './verdict-stages.ts';

interface FunnelInputs {
  videos: ItemCollection<Video>;
  segments: ItemCollection<Segment>;
  captions: ItemCollection<DenseCaption>;
  summaries: ItemCollection<Summary>;
  qa: ItemCollection<QA>;
  mcq: ItemCollection<MCQ>;
  open: ItemCollection<QA>;
  trajectories: ItemCollection<Trajectory>;
  rejected: ItemCollection<Trajectory>;
  cots: ItemCollection<CoT>;
  datasets: ItemCollection<Dataset>;
}

/** A count of items; null when there were none, since an unconnected input cannot be told from an empty one. */
function itemCount(id: string, label: string, count: number, [noun, nouns]: [string, string], paper?: PaperFigure): ReportFigure {
  return figure('funnel', {
    id,
    label,
    unit: 'count',
    value: count || null,
    basis: count ? plural(count, noun, nouns) : `no ${nouns} given`,
    ...(paper ? { paper } : {}),
  });
}

function countWhere<T>(items: Iterable<T>, test: (item: T) => boolean): number {
  return sum(items, (item) => (test(item) ? 1 : 0));
}

function sum<T>(items: Iterable<T>, of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}

/** The counts from the videos to the training rows, in pipeline order. */
export function funnelFigures(inputs: FunnelInputs, stages: readonly StageTally[]): ReportFigure[] {
  const { videos, segments, captions, summaries, qa, mcq, open, trajectories, rejected, cots, datasets } = inputs;
  const attempts = sum(trajectories, (t) => t.attempt) + sum(rejected, (t) => t.attempt);
  const attempted = trajectories.count + rejected.count;
  return [
    itemCount('videos', 'Videos', videos.count, ['video', 'videos']),
    itemCount('segments', 'Segments', segments.count, ['segment', 'segments']),
    itemCount('captions', 'Dense captions (C_detail)', captions.count, ['caption', 'captions'], PAPER.captions),
    itemCount('caption-events', 'Caption events', sum(captions, (c) => c.events.length), ['caption event', 'caption events']),
    itemCount('summaries', 'Summaries (C_sum)', summaries.count, ['summary', 'summaries']),
    itemCount('qa-generated', 'Questions generated', qa.count, ['question', 'questions']),
    ...stages.map((s) =>
      figure('funnel', {
        id: `${s.stage}-kept`,
        label: `Kept by ${s.stage}`,
        unit: 'count',
        value: s.kept,
        basis: `of ${plural(s.judged, `${s.stage} verdict`)}`,
      }),
    ),
    itemCount('multiple-choice', 'Multiple-choice questions', mcq.count, ['multiple-choice question', 'multiple-choice questions'], PAPER.multipleChoice),
    itemCount('open', 'Open questions', open.count, ['open question', 'open questions'], PAPER.open),
    itemCount('qa-pairs', 'QA pairs (multiple-choice + open)', mcq.count + open.count, ['QA pair', 'QA pairs'], PAPER.qaPairs),
    figure('funnel', {
      id: 'react-attempts',
      label: 'ReAct attempts',
      unit: 'count',
      value: attempted ? attempts : null,
      basis: attempted ? `for ${plural(attempted, 'question')}` : 'no trajectories given',
    }),
    itemCount('trajectories', 'Trajectories accepted', trajectories.count, ['accepted trajectory', 'accepted trajectories']),
    itemCount('cots', 'Chains of thought', cots.count, ['CoT', 'CoTs'], PAPER.cots),
    itemCount('cots-mc', 'Chains of thought, multiple-choice form', countWhere(cots, (c) => c.form === 'mc'), ['CoT', 'CoTs']),
    itemCount('cots-open', 'Chains of thought, open form', countWhere(cots, (c) => c.form === 'open'), ['CoT', 'CoTs']),
    ...exportedRows(datasets).map((r) =>
      figure('funnel', {
        id: `${r.trainer.toLowerCase()}-rows-${r.task}`,
        label: `${r.trainer} rows · ${r.task}`,
        unit: 'count',
        value: r.rows,
        basis: r.disagreement ? `formats differ: ${r.disagreement}` : 'rows written by the export',
      }),
    ),
  ];
}
