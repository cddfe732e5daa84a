import { describe, expect, it } from 'vitest';
import { evidenceSpan, eventsIn, summarize } from '../../renderer/provenance/row-summary.ts';

const qa = { id: 'q1', videoId: 'v', videoPath: '/v.mp4', captionId: 'c', question: 'What turns blue?', answer: 'the screen', type: 'object recognition', evidence: { start: 4, end: 9 } };

describe('the provenance view’s reading of rows', () => {
  it('says why a filter dropped a question, with each probe’s answer in both forms', () => {
    const verdict = {
      qaId: 'q1',
      stage: 'F2',
      kept: false,
      accuracy: 1,
      reason: 'probes answered without the video',
      probes: [{ probe: 'probe-text', answer: 'the screen', correct: true }],
      mcProbes: [{ probe: 'probe-text', answer: 'B', correct: false, reason: 'chose B' }],
      mcAccuracy: 0,
    };
    expect(summarize({ dataType: 'FilterVerdict', data: verdict })).toEqual([
      'F2 dropped · accuracy 1.00 · with options 0.00',
      'probes answered without the video',
      'probe-text: ✓ "the screen"',
      'MC form · probe-text: ✗ "B" (chose B)',
    ]);
  });

  it('spells a reward out as the O&R formula', () => {
    const reward = { id: 'r', responseId: 'c', rAcc: 1, rObs: 0.5, rRea: 0, rFmt: 0.1, total: 1.6, notes: { accuracy: 'right', observations: [], reasoning: 'thin', format: 'ok' } };
    expect(summarize({ dataType: 'RewardBreakdown', data: reward })[0]).toBe('total 1.60 = r_acc 1.00 × (1 + r_obs 0.50 + r_rea 0.00) + r_fmt 0.10');
  });

  it('reads a Question row as the MCQ or QA it is', () => {
    const mcq = { ...qa, id: 'm1', qaId: 'q1', options: ['a wall', 'the screen'], answer: 'B', open: qa };
    expect(summarize({ dataType: 'Question', data: mcq })).toEqual(['Q (object recognition): What turns blue?', '· A. a wall', '✓ B. the screen']);
    expect(summarize({ dataType: 'Question', data: qa })).toEqual(['Q (object recognition): What turns blue?', 'A: the screen', 'evidence 0:04–0:09']);
  });

  it('finds the evidence span in a QA or an MCQ’s open form, and the caption lines it covers', () => {
    expect(evidenceSpan([{ data: { id: 'x' } }, { data: { open: qa } }])).toEqual({ start: 4, end: 9 });
    expect(evidenceSpan([{ data: { id: 'x' } }])).toBeUndefined();
    const events = [
      { start: 0, end: 4, text: 'red' },
      { start: 4, end: 9, text: 'blue' },
      { start: 8, end: 12, text: 'pattern' },
    ];
    expect(eventsIn(events, { start: 4, end: 9 }).map((e) => e.text)).toEqual(['blue', 'pattern']);
    expect(eventsIn(events, undefined)).toHaveLength(3);
  });
});
