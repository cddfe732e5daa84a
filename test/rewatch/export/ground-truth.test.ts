import { describe, expect, it } from 'vitest';
import { decodeGroundTruth, encodeGroundTruth, type GroundTruth } from '../../../nodes/rewatch/export/ground-truth.ts';

describe('ground truth encoding', () => {
  const multipleChoice: GroundTruth = {
    answer: 'B',
    captionId: 'cap-1',
    questionId: 'q-1',
    type: 'counting',
    question: 'How many eggs?',
    options: ['Two', 'Three', 'Four'],
  };

  it('round-trips multiple-choice and open questions as one JSON string with snake_case keys', () => {
    const text = encodeGroundTruth(multipleChoice);
    expect(JSON.parse(text)).toEqual({
      answer: 'B',
      caption_id: 'cap-1',
      question_id: 'q-1',
      type: 'counting',
      question: 'How many eggs?',
      options: ['Two', 'Three', 'Four'],
    });
    expect(decodeGroundTruth(text)).toEqual(multipleChoice);

    const open: GroundTruth = { answer: 'three eggs', captionId: 'cap-1', questionId: 'q-2', type: 'counting', question: 'How many eggs?' };
    expect(Object.keys(JSON.parse(encodeGroundTruth(open)))).not.toContain('options');
    expect(decodeGroundTruth(encodeGroundTruth(open))).toEqual(open);
  });

  it('rejects text that is not a ground truth it wrote, quoting it', () => {
    expect(() => decodeGroundTruth('B')).toThrow(/not JSON: B/);
    expect(() => decodeGroundTruth('{"answer":"B"}')).toThrow(/malformed.*caption_id/s);
    expect(() => decodeGroundTruth(JSON.stringify({ ...JSON.parse(encodeGroundTruth(multipleChoice)), type: 'vibes' }))).toThrow(/type/);
  });
});
