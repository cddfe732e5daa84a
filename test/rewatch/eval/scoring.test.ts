import { describe, expect, it } from 'vitest';
import { frameCount, frameWidth, PAPER_FRAME_BUDGET } from '../../../nodes/rewatch/eval/frame-budget.ts';
import { boxIou, temporalIou } from '../../../nodes/rewatch/eval/overlap.ts';
import type { Expected } from '../../../nodes/rewatch/eval/question.ts';
import { answerNumber, answerSpan } from '../../../nodes/rewatch/eval/reply.ts';
import { countError, scoreAnswer, type OpenJudge } from '../../../nodes/rewatch/eval/score.ts';

const OPTIONS = ['red', 'blue', 'green', 'yellow', 'white', 'black'];
const choice = (letter: string, count = 4): Expected => ({ kind: 'choice', letter, options: OPTIONS.slice(0, count) });
const noJudge: OpenJudge = () => Promise.reject(new Error('the judge must not be asked'));

describe('the answer part of a reply', () => {
  it('is the last <answer> in thinking mode, none without one; the whole reply in direct mode', () => {
    expect(answerSpan('I think A.<answer>A</answer> no, <answer> C </answer>', 'thinking')).toBe('C');
    expect(answerSpan('The first option, A.', 'thinking')).toBeUndefined();
    expect(answerSpan('<ANSWER>7 cars', 'thinking')).toBe('7 cars');
    expect(answerSpan('  B. two  ', 'direct')).toBe('B. two');
  });

  it('reads the first number stated, in digits or words', () => {
    expect(answerNumber('There are 12 cars, then 3 more')).toBe(12);
    expect(answerNumber('1,024 people')).toBe(1024);
    expect(answerNumber('twenty-three goals and four saves')).toBe(23);
    expect(answerNumber('none that I can see')).toBeUndefined();
  });
});

describe('scoring by each benchmark’s rule', () => {
  it('multiple choice: the exact letter; a letter outside the options or none is unparsable', async () => {
    expect(await scoreAnswer(choice('B'), 'B', noJudge)).toEqual({ predicted: 'B', correct: true });
    expect(await scoreAnswer(choice('B'), '(C) green', noJudge)).toEqual({ predicted: 'C', correct: false });
    expect(await scoreAnswer(choice('B'), 'I think the answer is B.', noJudge)).toEqual({ predicted: 'B', correct: true });
    expect(await scoreAnswer(choice('B'), 'E', noJudge)).toMatchObject({ predicted: null, correct: false, detail: expect.stringContaining('not an option') });
    expect(await scoreAnswer(choice('B'), 'I cannot tell', noJudge)).toMatchObject({ predicted: null, correct: false, detail: expect.any(String) });
    expect(await scoreAnswer(choice('B'), undefined, noJudge)).toEqual({ predicted: null, correct: false });
  });

  it('counting: the exact count; the error capped at 2·gt past max(2·gt, 100), no number reading as 0', async () => {
    expect(await scoreAnswer({ kind: 'count', value: 4 }, 'I count 4.', noJudge)).toEqual({ predicted: '4', correct: true });
    expect(await scoreAnswer({ kind: 'count', value: 4 }, 'five', noJudge)).toEqual({ predicted: '5', correct: false });
    expect(await scoreAnswer({ kind: 'count', value: 4 }, 'several', noJudge)).toEqual({ predicted: null, correct: false });
    expect(countError(4, '5')).toBe(1);
    expect(countError(30, '500')).toBe(60);
    expect(countError(30, '129')).toBe(99);
    expect(countError(7, null)).toBe(7);
  });

  it('VCR-Bench intervals: tIoU above 0.7; boxes: IoU above 0.5', async () => {
    const interval: Expected = { kind: 'interval', start: 4, end: 9 };
    expect(temporalIou({ start: 4, end: 9 }, { start: 5, end: 9 })).toBeCloseTo(0.8);
    expect(await scoreAnswer(interval, 'From [5, 9].', noJudge)).toEqual({ predicted: '[5, 9]', correct: true, detail: 'tIoU 0.800 (> 0.7 counts)' });
    // Against [4, 9]: [2, 9] overlaps 5 / 7 = 0.714 and counts; [1, 9] overlaps 5 / 8 = 0.625 and does not.
    expect((await scoreAnswer(interval, '[2, 9]', noJudge)).correct).toBe(true);
    expect((await scoreAnswer(interval, '[1, 9]', noJudge)).correct).toBe(false);
    const box: Expected = { kind: 'box', box: [0, 0, 32, 24] };
    expect(boxIou([0, 0, 32, 24], [0, 0, 32, 12])).toBeCloseTo(0.5);
    expect((await scoreAnswer(box, '[0, 0, 32, 12]', noJudge)).correct).toBe(false);
    expect(await scoreAnswer(box, '<box>[0, 0, 32, 16]</box>', noJudge)).toMatchObject({ predicted: '[0, 0, 32, 16]', correct: true });
    expect(boxIou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
  });

  it('VCR-Bench text answers, and intervals given in words, go to the judge with the reference', async () => {
    const asked: Array<[string, string]> = [];
    const judge: OpenJudge = async (candidate, reference) => {
      asked.push([candidate, reference]);
      return { correct: candidate.toLowerCase().includes(reference.toLowerCase()), reason: 'compared' };
    };
    expect(await scoreAnswer({ kind: 'open', text: 'Kitchen' }, 'In the kitchen.', judge)).toEqual({
      predicted: 'In the kitchen.',
      correct: true,
      detail: 'judge: compared',
    });
    expect(await scoreAnswer({ kind: 'interval', start: 4, end: 9 }, 'from four to nine seconds', judge)).toMatchObject({ correct: false });
    expect(asked).toEqual([
      ['In the kitchen.', 'Kitchen'],
      ['from four to nine seconds', '[4, 9]'],
    ]);
  });
});

describe('the paper’s frame setting', () => {
  it('samples 2 fps, an even count within [4, 192]', () => {
    expect(frameCount(12, PAPER_FRAME_BUDGET)).toBe(24);
    expect(frameCount(1, PAPER_FRAME_BUDGET)).toBe(4);
    expect(frameCount(60.4, PAPER_FRAME_BUDGET)).toBe(120);
    expect(frameCount(95.7, PAPER_FRAME_BUDGET)).toBe(192);
    expect(frameCount(3600, PAPER_FRAME_BUDGET)).toBe(192);
  });

  it('scales frames down to at most 128·28·28 pixels, sides in multiples of 28', () => {
    expect(frameWidth(64, 48, PAPER_FRAME_BUDGET.maxPixels)).toBe(64);
    const width = frameWidth(1280, 720, PAPER_FRAME_BUDGET.maxPixels);
    expect(width % 28).toBe(0);
    expect(width * Math.round((width * 720) / 1280)).toBeLessThanOrEqual(PAPER_FRAME_BUDGET.maxPixels);
    expect(width).toBe(420);
  });
});
