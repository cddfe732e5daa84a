import { describe, expect, it } from 'vitest';
import { parseAction, parseReasonerReply } from '../../../nodes/rewatch/reasoning/actions.ts';
import { eventsInRange, findTimeRanges, parseTimeRange } from '../../../nodes/rewatch/reasoning/time-ranges.ts';

const DOORS = ['the red door', 'the blue door', 'the green door'];

describe('parseReasonerReply', () => {
  it('reads the thought and the one action, ignoring an observation the model wrote itself', () => {
    const reply = '**Thought:** Check the door.\nIt matters.\n**Action:** segment_query("[1:05 - 1:15]")\nObservation: he opens it\nAction: answer(A)';
    expect(parseReasonerReply(reply, DOORS)).toEqual({
      ok: true,
      value: { thought: 'Check the door.\nIt matters.', action: { name: 'segment_query', argument: '01:05-01:15' } },
    });
  });

  it.each([
    ['no action line', 'Thought: hmm', 'no "Action:" line'],
    ['two actions', 'Action: answer(A)\nAction: answer(B)', '2 "Action:" lines'],
    ['an unknown action', 'Action: rewind(10)', 'unknown action "rewind"'],
    ['a letter outside the options', 'Action: answer(D)', 'the letter of an option (A, B, C), got "D": the reply answers D, which is not an option (A–C)'],
    ['two letters', 'Action: answer(A or B)', 'names several options as its answer (A, B)'],
    ['a reversed range', 'Action: segment_query(02:00-01:00)', 'needs a time range'],
    ['an empty query', 'Action: segment_retrieval( )', 'needs a description'],
    ['text after the call', 'Action: answer(B) because it is red', 'is not an action call'],
  ])('reports %s', (_case, reply, problem) => {
    const parsed = parseReasonerReply(reply, DOORS);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });

  it('normalises answers to the option letter, also when only the option is restated', () => {
    expect(parseAction('answer((B) the blue door)', DOORS)).toEqual({ ok: true, value: { name: 'answer', argument: 'B' } });
    expect(parseAction('answer("the green door")', DOORS)).toEqual({ ok: true, value: { name: 'answer', argument: 'C' } });
    expect(parseAction('answer(I think so)', DOORS)).toEqual({
      ok: false,
      problem: 'answer needs the letter of an option (A, B, C), got "I think so": the reply names no option letter and restates no option’s text',
    });
    expect(parseAction('answer(a red door)')).toEqual({ ok: true, value: { name: 'answer', argument: 'a red door' } });
  });
});

describe('time ranges', () => {
  it('reads ranges and single timestamps, and finds ranges in free text', () => {
    expect(parseTimeRange('[00:10 – 00:20]')).toEqual({ start: 10, end: 20 });
    expect(parseTimeRange('01:30')).toEqual({ start: 90, end: 90 });
    expect(parseTimeRange('soon')).toBeUndefined();
    expect(findTimeRanges('at 00:10-00:20, 3-5 people, then 1:02:03 to 1:02:09')).toEqual([
      { start: 10, end: 20 },
      { start: 3723, end: 3729 },
    ]);
  });

  it('selects the events sharing time with a range, or containing a timestamp', () => {
    const events = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 15, end: 30 },
    ];
    expect(eventsInRange(events, { start: 10, end: 15 })).toEqual([events[1]]);
    expect(eventsInRange(events, { start: 10, end: 10 })).toEqual([events[0], events[1]]);
    expect(eventsInRange(events, { start: 40, end: 50 })).toEqual([]);
  });
});
