import { describe, expect, it } from 'vitest';
import { cotProblems, parseTaggedResponse } from '../../../nodes/rewatch/reasoning/cot-tags.ts';

const good =
  'I look for the door.\n<action>segment_retrieval(a door opens)</action>\n<observation>At [00:10-00:20].</observation>\n' +
  'Closer look.\n<action>segment_query(00:10-00:20)</action><observation>He opens a red door.</observation>\nSo B.\n<answer>B</answer>\n';

describe('parseTaggedResponse', () => {
  it('reads the pairs and the answer of a well-formed response', () => {
    expect(parseTaggedResponse(good)).toEqual({
      pairs: [
        { action: 'segment_retrieval(a door opens)', observation: 'At [00:10-00:20].' },
        { action: 'segment_query(00:10-00:20)', observation: 'He opens a red door.' },
      ],
      answer: 'B',
      problems: [],
    });
  });

  it('accepts an answer without any action', () => {
    expect(parseTaggedResponse('It is clearly C. <answer>C</answer>')).toEqual({ pairs: [], answer: 'C', problems: [] });
  });

  it.each([
    ['no answer', '<action>x(1)</action><observation>y</observation>', 'no <answer>'],
    ['two answers', '<answer>A</answer> or <answer>B</answer>', '2 <answer> blocks instead of one'],
    ['an unclosed tag', '<action>x(1)</action><observation>y <answer>B</answer>', '<answer> opens inside <observation>'],
    ['a never-closed tag', '<answer>B', '<answer> is never closed'],
    ['a stray closing tag', 'text</observation><answer>B</answer>', '</observation> has no opening tag'],
    ['a mismatched closing tag', '<action>x(1)</observation><answer>B</answer>', '</observation> closes <action>'],
    ['an observation without action', '<observation>y</observation><answer>B</answer>', 'an <observation> without an <action> before it'],
    ['an action without observation', '<action>x(1)</action><answer>B</answer>', '<action>x(1)</action> has no <observation>'],
    ['tags after the answer', '<answer>B</answer><action>x(1)</action><observation>y</observation>', '<action> after <answer>'],
    ['text after the answer', '<answer>B</answer> and that is all', 'text after </answer>'],
    ['an empty block', '<action></action><observation>y</observation><answer>B</answer>', 'an empty <action>'],
  ])('reports %s', (_case, text, problem) => {
    expect(parseTaggedResponse(text).problems).toContain(problem);
  });

  it('still returns the pairs it could read from a malformed response', () => {
    const parsed = parseTaggedResponse('<action>a(1)</action><observation>b</observation><action>c(2)</action><answer>B</answer>');
    expect(parsed.pairs).toEqual([{ action: 'a(1)', observation: 'b' }]);
    expect(parsed.answer).toBe('B');
    expect(parsed.problems).not.toEqual([]);
  });
});

describe('cotProblems', () => {
  const expected = { actions: ['segment_retrieval(a door opens)', 'segment_query(00:10-00:20)'], finalAnswer: 'B', options: ['the blue door', 'the red door', 'the green door'] };

  it('accepts the same actions in order, comparing canonical forms, and the same answer', () => {
    expect(cotProblems(good.replace('segment_query(00:10-00:20)', 'segment_query( 0:10 - 0:20 )'), expected)).toEqual([]);
    expect(cotProblems(good.replace('<answer>B</answer>', '<answer>(B) the red door</answer>'), expected)).toEqual([]);
    expect(cotProblems(good.replace('<answer>B</answer>', '<answer>the red door</answer>'), expected)).toEqual([]);
  });

  it('compares timestamp queries in canonical form', () => {
    const atMoment = { actions: ['segment_query(01:15)'], finalAnswer: 'B', multipleChoice: true };
    const cot = (action: string) => `<action>${action}</action><observation>x</observation><answer>B</answer>`;
    expect(cotProblems(cot('segment_query(timestamp="1:15")'), atMoment)).toEqual([]);
    expect(cotProblems(cot('segment_query(75s)'), atMoment)).toEqual([]);
    expect(cotProblems(cot('segment_query(01:15-01:20)'), atMoment)).toEqual([
      `action 1 is "segment_query(01:15-01:20)", the trajectory's is "segment_query(01:15)"`,
    ]);
  });

  it('reports a missing pair, another action and another answer', () => {
    expect(cotProblems('<action>segment_retrieval(a door opens)</action><observation>x</observation><answer>B</answer>', expected)).toEqual([
      '1 action/observation pairs, the trajectory has 2',
    ]);
    expect(cotProblems(good.replace('00:10-00:20)', '00:40-00:50)'), expected)).toEqual([
      `action 2 is "segment_query(00:40-00:50)", the trajectory's is "segment_query(00:10-00:20)"`,
    ]);
    expect(cotProblems(good.replace('<answer>B', '<answer>C'), expected)).toEqual([`the answer is "C", the trajectory's is "B"`]);
    expect(cotProblems(good.replace('<answer>B', '<answer>B or C'), expected)).toEqual([
      `the answer is "B or C", the trajectory's is "B" (the reply names several options as its answer (B, C))`,
    ]);
  });

  it('compares open answers as text', () => {
    const open = { actions: [], finalAnswer: 'A red door' };
    expect(cotProblems('<answer> a red  door </answer>', open)).toEqual([]);
    expect(cotProblems('<answer>"A red door."</answer>', open)).toEqual([]);
    expect(cotProblems('<answer>a blue door</answer>', open)).toEqual([`the answer is "a blue door", the trajectory's is "A red door"`]);
  });
});
