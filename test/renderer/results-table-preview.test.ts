import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ResultsTable } from '../../nodes/rewatch/eval/results-types.ts';
import { chartGroups, formatDelta } from '../../renderer/previews/rewatch/results-chart.ts';
import { ResultsTableBody } from '../../renderer/previews/rewatch/ResultsTableView.tsx';

const TABLE: ResultsTable = {
  mode: 'thinking',
  columns: [
    { benchmark: 'vcr-bench', title: 'VCR-Bench' },
    { benchmark: 'minerva', title: 'MINERVA' },
  ],
  rows: [
    { model: 'ckpt-a', source: 'evaluated', scores: { 'vcr-bench': 40.5, minerva: 30 }, average: null },
    { model: 'ckpt-b', source: 'evaluated', scores: { 'vcr-bench': 38.25 }, average: null },
    { model: 'ReWatch-R1', source: 'paper', scores: { 'vcr-bench': 40.14, minerva: 35.7 }, average: 34.86 },
  ],
  comparison: { baseline: 'ckpt-b', candidate: 'ckpt-a', deltas: { 'vcr-bench': 2.25, minerva: null }, average: null },
  notes: ['CG-AV-Counting has audio'],
};

describe('results table preview', () => {
  it('groups bars by benchmark and average, the paper’s rows only when asked', () => {
    expect(chartGroups(TABLE, false)).toEqual([
      { label: 'VCR-Bench', bars: [{ model: 'ckpt-a', source: 'evaluated', value: 40.5 }, { model: 'ckpt-b', source: 'evaluated', value: 38.25 }] },
      { label: 'MINERVA', bars: [{ model: 'ckpt-a', source: 'evaluated', value: 30 }, { model: 'ckpt-b', source: 'evaluated', value: null }] },
      { label: 'Avg', bars: [{ model: 'ckpt-a', source: 'evaluated', value: null }, { model: 'ckpt-b', source: 'evaluated', value: null }] },
    ]);
    expect(chartGroups(TABLE, true)[0]!.bars.map((b) => b.model)).toEqual(['ckpt-a', 'ckpt-b', 'ReWatch-R1']);
  });

  it('prints deltas signed, a missing side as a dash', () => {
    expect([2.25, -0.5, 0, null].map(formatDelta)).toEqual(['+2.25', '−0.50', '0.00', '—']);
  });

  it('renders every row, the deltas row, the notes and a bar per score', () => {
    const html = renderToStaticMarkup(createElement(ResultsTableBody, { data: TABLE }));
    expect(html.match(/data-source="evaluated"/g)).toHaveLength(2);
    expect(html.match(/data-source="paper"/g)).toHaveLength(1);
    expect(html).toMatch(/data-testid="results-deltas".*\+2\.25.*—/);
    expect(html).toContain('CG-AV-Counting has audio');
    // Three scores among the evaluated rows (the paper's rows are not charted by default), none for a missing one.
    expect(html.match(/<rect /g)).toHaveLength(3);
  });
});
