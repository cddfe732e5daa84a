import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DatasetReport, ReportFigure } from '../../nodes/rewatch/report/types.ts';
import { DatasetReportBody } from '../../renderer/previews/rewatch/DatasetReportView.tsx';
import { funnelBars } from '../../renderer/previews/rewatch/funnel-bars.ts';

const paper = (value: number, extra: Partial<NonNullable<ReportFigure['paper']>> = {}) => ({ value, source: `source of ${value}`, ...extra });

const figures: ReportFigure[] = [
  { id: 'videos', section: 'funnel', label: 'Videos', unit: 'count', value: 40, basis: '40 videos', paper: null },
  { id: 'segments', section: 'funnel', label: 'Segments', unit: 'count', value: null, basis: 'no segments given', paper: null },
  { id: 'cots', section: 'funnel', label: 'Chains of thought', unit: 'count', value: 27_000, basis: '27,000 CoTs', paper: paper(135_000) },
  { id: 'F2-kept-ratio', section: 'filters', label: 'F2 kept', unit: 'percent', value: 62.5, basis: '5 questions of 8', paper: null },
  {
    id: 'text-only-accuracy',
    section: 'probe',
    label: 'Text-only accuracy',
    unit: 'percent',
    value: 44.1,
    basis: 'probe-text',
    paper: paper(29.4, { contrast: { label: 'Video-R1-QA', value: 68.9 } }),
  },
];
const report: DatasetReport = {
  figures,
  textOnly: null,
  files: [{ path: '/out/dataset-report.json', rows: 0, bytes: 10, sha256: 'x' }],
};

/** The cells of the table row of one figure, as text. */
function rowCells(html: string, id: string): string[] {
  const row = new RegExp(`<tr[^>]*data-figure="${id}"[^>]*>(.*?)</tr>`).exec(html)?.[1];
  if (!row) throw new Error(`no row for ${id}`);
  return [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!);
}

describe('dataset report preview', () => {
  it('bars the funnel counts that have a value, scaled to the largest', () => {
    const counted = figures.filter((f) => f.section === 'funnel' && f.value !== null);
    const top = Math.max(...counted.map((f) => f.value!));
    expect(funnelBars(figures)).toEqual(counted.map((f) => ({ id: f.id, label: f.label, value: f.value, share: f.value! / top })));
  });

  it('draws the funnel chart and a "this run | paper" row per figure with the ratio', () => {
    const html = renderToStaticMarkup(createElement(DatasetReportBody, { data: report }));

    const widths = [...html.matchAll(/class="funnel-fill" style="width:([\d.]+)%"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([(40 / 27_000) * 100, 100].map((w) => Number(w.toFixed(1))));
    expect(html.match(/data-testid="funnel-bar"/g)).toHaveLength(2);

    expect(rowCells(html, 'cots')).toEqual(['Chains of thought', '27,000', '135,000', `${27_000 / 135_000}×`, '27,000 CoTs']);
    expect(rowCells(html, 'segments')).toEqual(['Segments', '—', 'no figure in the paper', '—', 'no segments given']);
    expect(rowCells(html, 'text-only-accuracy')).toEqual([
      'Text-only accuracy',
      '44.1 %',
      '29.4 % (Video-R1-QA: 68.9 %)',
      `${Number((44.1 / 29.4).toPrecision(3))}×`,
      'probe-text',
    ]);
    expect(html).toContain('title="source of 135000"');
    const sections = [...html.matchAll(/data-testid="report-section-(\w+)"/g)].map((m) => m[1]);
    expect(sections).toEqual(['funnel', 'filters', 'probe']);
    expect(html).toContain('/out/dataset-report.json');
  });
});
