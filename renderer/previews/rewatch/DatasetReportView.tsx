import { formatPaper, formatRatio, formatValue, paperRatio, SECTION_TITLES } from '../../../nodes/rewatch/report/format.ts';
import { REPORT_SECTIONS } from '../../../nodes/rewatch/report/figure-kinds.ts';
import type { DatasetReport, ReportFigure } from '../../../nodes/rewatch/report/types.ts';
import { formatCount } from '../../runs/format.ts';
import { funnelBars } from './funnel-bars.ts';

/** The funnel counts as horizontal bars, scaled to the largest. */
function FunnelChart({ figures }: { figures: readonly ReportFigure[] }) {
  const bars = funnelBars(figures);
  if (!bars.length) return null;
  return (
    <figure className="funnel-chart" data-testid="funnel-chart">
      <figcaption>{SECTION_TITLES.funnel}</figcaption>
      {bars.map((bar) => (
        <div key={bar.id} className="funnel-row" data-testid="funnel-bar">
          <span className="funnel-label">{bar.label}</span>
          <span className="funnel-track">
            <span className="funnel-fill" style={{ width: `${(bar.share * 100).toFixed(1)}%` }} />
          </span>
          <span className="funnel-value">{formatCount(bar.value)}</span>
        </div>
      ))}
    </figure>
  );
}

function FigureRow({ figure }: { figure: ReportFigure }) {
  return (
    <tr data-testid="report-figure" data-figure={figure.id} title={figure.paper?.source}>
      <td>{figure.label}</td>
      <td>{formatValue(figure.value, figure.unit)}</td>
      <td className={figure.paper ? undefined : 'muted'}>{formatPaper(figure)}</td>
      <td>{formatRatio(paperRatio(figure))}</td>
      <td className="muted">{figure.basis}</td>
    </tr>
  );
}

/** A dataset report: the funnel charted, then each section's figures as "this run | paper" with their ratio. */
export function DatasetReportBody({ data }: { data: DatasetReport }) {
  return (
    <div className="item-body dataset-report">
      <FunnelChart figures={data.figures} />
      {REPORT_SECTIONS.map((section) => {
        const figures = data.figures.filter((f) => f.section === section);
        if (!figures.length) return null;
        return (
          <section key={section}>
            <h4>{SECTION_TITLES[section]}</h4>
            <table className="runs-table" data-testid={`report-section-${section}`}>
              <thead>
                <tr>
                  <th>figure</th>
                  <th>this run</th>
                  <th>paper</th>
                  <th>run / paper</th>
                  <th>computed from</th>
                </tr>
              </thead>
              <tbody>
                {figures.map((figure) => (
                  <FigureRow key={figure.id} figure={figure} />
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
      <p className="muted">
        Written to{' '}
        {data.files.map((file) => (
          <span key={file.path} className="mono">
            {file.path}{' '}
          </span>
        ))}
      </p>
    </div>
  );
}
