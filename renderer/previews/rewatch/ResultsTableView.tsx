import { useState } from 'react';
import type { ResultsTable } from '../../../nodes/rewatch/eval/results-types.ts';
import { chartGroups, formatDelta, type ChartGroup } from './results-chart.ts';

const BAR = 9;
const GAP = 14;
const HEIGHT = 120;
/** Evaluated rows in the accent colour family, the paper's rows greyed. */
const EVALUATED_COLOURS = ['#4f8cff', '#34d399', '#fbbf24', '#f472b6', '#a78bfa', '#22d3ee'];
const PAPER_COLOUR = '#4b5563';

const score = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(2));

function BarChart({ groups, colours }: { groups: ChartGroup[]; colours: ReadonlyMap<string, string> }) {
  const perGroup = Math.max(1, groups[0]?.bars.length ?? 1);
  const groupWidth = perGroup * BAR + GAP;
  const width = groups.length * groupWidth;
  return (
    <figure className="mini-chart" data-testid="results-chart">
      <svg width={width} height={HEIGHT + 14} viewBox={`0 0 ${width} ${HEIGHT + 14}`} role="img" aria-label="accuracy by benchmark">
        {groups.map((group, g) => (
          <g key={group.label} transform={`translate(${g * groupWidth + GAP / 2}, 0)`}>
            {group.bars.map((bar, b) =>
              bar.value === null ? null : (
                <rect
                  key={bar.model}
                  x={b * BAR}
                  width={BAR - 1}
                  y={HEIGHT - (bar.value / 100) * HEIGHT}
                  height={(bar.value / 100) * HEIGHT}
                  style={{ fill: colours.get(bar.model) }}
                >
                  <title>{`${bar.model} · ${group.label}: ${bar.value.toFixed(2)}`}</title>
                </rect>
              ),
            )}
            <text x={0} y={HEIGHT + 11} fontSize={9} fill="currentColor">
              {group.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** The paper's table: evaluated rows, the paper's rows for reference, a bar chart, and the deltas of two rows. */
export function ResultsTableBody({ data }: { data: ResultsTable }) {
  const [withPaper, setWithPaper] = useState(false);
  const evaluated = data.rows.filter((row) => row.source === 'evaluated');
  const colours = new Map(data.rows.map((row) => [row.model, row.source === 'paper' ? PAPER_COLOUR : EVALUATED_COLOURS[evaluated.indexOf(row) % EVALUATED_COLOURS.length]!]));
  const { comparison } = data;
  return (
    <div className="item-body">
      <p className="muted">{data.mode} mode · accuracy (%)</p>
      <table className="runs-table" data-testid="results-table">
        <thead>
          <tr>
            <th>model</th>
            {data.columns.map((c) => (
              <th key={c.benchmark}>{c.title}</th>
            ))}
            <th>Avg</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr key={`${row.source}:${row.model}`} className={row.source === 'paper' ? 'muted' : undefined} data-source={row.source}>
              <td>
                <span className="legend-swatch" style={{ background: colours.get(row.model) }} /> {row.model}
                {row.source === 'paper' && <span className="tag">paper</span>}
              </td>
              {data.columns.map((c) => (
                <td key={c.benchmark} className="mono">
                  {score(row.scores[c.benchmark])}
                </td>
              ))}
              <td className="mono">{score(row.average)}</td>
            </tr>
          ))}
          {comparison && (
            <tr data-testid="results-deltas">
              <td>
                Δ {comparison.candidate} − {comparison.baseline}
              </td>
              {data.columns.map((c) => (
                <td key={c.benchmark} className="mono">
                  {formatDelta(comparison.deltas[c.benchmark] ?? null)}
                </td>
              ))}
              <td className="mono">{formatDelta(comparison.average)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <label className="muted">
        <input type="checkbox" checked={withPaper} onChange={(e) => setWithPaper(e.target.checked)} /> chart the paper’s rows too
      </label>
      <div className="mini-charts">
        <BarChart groups={chartGroups(data, withPaper)} colours={colours} />
      </div>
      {data.notes.length > 0 && (
        <ul className="muted">
          {data.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
