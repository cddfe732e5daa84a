import { describe, expect, it } from 'vitest';
import { cotTokens } from '../../renderer/previews/rewatch/cot-tokens.ts';
import { datasetVideosLine } from '../../renderer/previews/rewatch/dataset-videos.ts';
import { histogram } from '../../renderer/previews/rewatch/histogram.ts';
import { metricSeries } from '../../renderer/previews/rewatch/metric-series.ts';

describe('histogram', () => {
  it('bins values into equal widths over their range, the largest in the last bin', () => {
    expect(histogram([0, 0.1, 0.5, 0.9, 1], 4)).toEqual({ min: 0, max: 1, counts: [2, 0, 1, 2] });
  });

  it('puts equal values in the first bin and skips non-finite ones', () => {
    expect(histogram([2, 2, Number.NaN, Infinity], 3)).toEqual({ min: 2, max: 2, counts: [2, 0, 0] });
  });

  it('is empty for no values', () => {
    expect(histogram([], 2)).toEqual({ min: 0, max: 0, counts: [0, 0] });
  });
});

describe('cotTokens', () => {
  it('cuts out the action, observation and answer tags in order', () => {
    expect(cotTokens('I look. <action>segment_query 0:10</action> so <observation>a red car</observation>. <answer>B</answer>')).toEqual([
      { kind: 'text', text: 'I look. ' },
      { kind: 'action', text: 'segment_query 0:10' },
      { kind: 'text', text: ' so ' },
      { kind: 'observation', text: 'a red car' },
      { kind: 'text', text: '. ' },
      { kind: 'answer', text: 'B' },
    ]);
  });

  it('keeps unclosed, mismatched and unknown tags as plain text', () => {
    const text = 'a <action>open <observation>x</answer> <think>t</think>';
    expect(cotTokens(text)).toEqual([{ kind: 'text', text }]);
  });

  it('spans lines inside a tag', () => {
    expect(cotTokens('<observation>one\ntwo</observation>')).toEqual([{ kind: 'observation', text: 'one\ntwo' }]);
  });
});

describe('metricSeries', () => {
  it('takes one metric over the steps that logged it, in step order', () => {
    const metrics = [
      { step: 20, loss: 0.5, kl: 0.01 },
      { step: 10, loss: 0.9 },
      { step: 15, reward: 0.3 },
      { step: 30, loss: Number.NaN },
    ];
    expect(metricSeries(metrics, 'loss')).toEqual([
      { x: 10, y: 0.9 },
      { x: 20, y: 0.5 },
    ]);
    expect(metricSeries(metrics, 'kl')).toEqual([{ x: 20, y: 0.01 }]);
    expect(metricSeries(metrics, 'accuracy')).toEqual([]);
  });
});

describe('datasetVideosLine', () => {
  it('counts the videos in all, per key, and those in more than one', () => {
    expect(datasetVideosLine({ total: 10, byKey: { train: 7, val: 3 }, shared: 0 })).toBe('10 videos (train: 7 · val: 3), none in more than one');
    expect(datasetVideosLine({ total: 4, byKey: { caption: 4, direct: 2, cot: 0 }, shared: 2 })).toBe(
      '4 videos (caption: 4 · direct: 2 · cot: 0), 2 in more than one',
    );
  });
});
