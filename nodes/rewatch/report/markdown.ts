import { formatPaper, formatRatio, formatValue, paperRatio, SECTION_TITLES } from './format.ts';
import { REPORT_SECTIONS } from './figure-kinds.ts';
import type { DatasetReport, ReportFigure } from './types.ts';

const SHOWN_REPLIES = 10;

/** Text for a table cell or list item: one line, pipes and tags escaped (`<action>` would be read as HTML). */
function inline(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\s*\n\s*/g, ' ');
}

function figureTable(figures: readonly ReportFigure[]): string[] {
  return [
    '| figure | this run | paper | run / paper | computed from |',
    '|---|---:|---:|---:|---|',
    ...figures.map((f) =>
      `| ${[f.label, formatValue(f.value, f.unit), formatPaper(f), formatRatio(paperRatio(f)), f.basis].map(inline).join(' | ')} |`,
    ),
  ];
}

function probeReplies(textOnly: NonNullable<DatasetReport['textOnly']>): string[] {
  if (!textOnly.unparsable.length) return [];
  const shown = textOnly.unparsable.slice(0, SHOWN_REPLIES);
  return [
    '',
    `Replies naming no option (${textOnly.unparsable.length}; all of them are in dataset-report.json):`,
    '',
    ...shown.map((r) => `- \`${r.questionId}\` (${r.reason}): ${inline(r.reply)}`),
  ];
}

/** The report as Markdown: one table per section, then where each paper figure comes from. */
export function reportMarkdown(report: Pick<DatasetReport, 'figures' | 'textOnly'>): string {
  const lines = [
    '# Dataset report',
    '',
    'This run’s data beside what the ReWatch-R1 paper reports. “—”: the items the figure needs were not given.',
  ];
  for (const section of REPORT_SECTIONS) {
    const figures = report.figures.filter((f) => f.section === section);
    if (!figures.length) continue;
    lines.push('', `## ${SECTION_TITLES[section]}`, '', ...figureTable(figures));
    if (section === 'probe' && report.textOnly) lines.push(...probeReplies(report.textOnly));
  }
  const cited = report.figures.filter((f) => f.paper);
  lines.push('', '## Where the paper’s figures come from', '');
  for (const f of cited) lines.push(inline(`- ${f.label}: ${f.paper!.source}${f.paper!.note ? ` (${f.paper!.note})` : ''}`));
  return `${lines.join('\n')}\n`;
}
