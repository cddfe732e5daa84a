import { QUESTION_TYPES, type QA } from '../types.ts';
import { figure, percent, plural } from './figure.ts';
import { PAPER } from './paper.ts';
import type { ReportFigure } from './types.ts';

/** The final question set: its size, the videos it covers and its question-type mix. */
export function questionFigures(questions: ReadonlyMap<string, QA>): ReportFigure[] {
  const total = questions.size;
  const videos = new Set<string>();
  const byType = new Map<string, number>();
  for (const qa of questions.values()) {
    videos.add(qa.videoId);
    byType.set(qa.type, (byType.get(qa.type) ?? 0) + 1);
  }
  const basis = total ? `the ${plural(total, 'question')} of the final set` : 'no final questions given';
  return [
    figure('questions', { id: 'questions', label: 'Questions in the final set', unit: 'count', value: total || null, basis, paper: PAPER.questions }),
    figure('questions', {
      id: 'question-videos',
      label: 'Videos the questions cover',
      unit: 'count',
      value: total ? videos.size : null,
      basis,
      paper: PAPER.questionVideos,
    }),
    figure('questions', {
      id: 'question-types',
      label: 'Question types present',
      unit: 'count',
      value: total ? byType.size : null,
      basis: `of the ${QUESTION_TYPES.length} types`,
      paper: PAPER.questionTypes,
    }),
    ...QUESTION_TYPES.map((type) =>
      figure('questions', {
        id: `type-${type.replace(/\s+/g, '-').toLowerCase()}`,
        label: `Type: ${type}`,
        unit: 'percent',
        value: percent(byType.get(type) ?? 0, total),
        basis: total ? `${plural(byType.get(type) ?? 0, 'question')} of ${total.toLocaleString('en-US')}` : basis,
      }),
    ),
  ];
}
