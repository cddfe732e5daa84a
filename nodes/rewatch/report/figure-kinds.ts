/** The sections and units of report figures; dependency-free so the editor's preview can import them. */
export const REPORT_SECTIONS = ['funnel', 'filters', 'questions', 'captions', 'reasoning', 'probe'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export const FIGURE_UNITS = ['count', 'percent', 'per-minute', 'mean', 'tokens'] as const;
export type FigureUnit = (typeof FIGURE_UNITS)[number];
