import { describe, expect, it } from 'vitest';
import { parseAction, parseReasonerReply, type Action } from '../../../nodes/rewatch/reasoning/actions.ts';
import {
  eventsAround,
  eventsInRange,
  findTimeRanges,
  parseSegmentTarget,
  parseTimeRange,
} from '../../../nodes/rewatch/reasoning/time-ranges.ts';

const query = (argument: string): Action => ({ name: 'segment_query', argument });

const DOORS = ['the red door', 'the blue door', 'the green door'];

describe('parseReasonerReply', () => {
  it('reads the thought and the one action, ignoring an observation the model wrote itself', () => {
    const reply = '**Thought:** Check the door.\nIt matters.\n**Action:** segment_query("[1:05 - 1:15]")\nObservation: he opens it\nAction: answer(A)';
    expect(parseReasonerReply(reply, DOORS)).toEqual({
      ok: true,
      value: { thought: 'Check the door.\nIt matters.', action: query('01:05-01:15') },
    });
  });

  // Replies as real models write them (Qwen2.5, GPT-4o, Llama 3, DeepSeek-R1): the action each one means.
  it.each<[string, string, Action]>([
    ['a bare timestamp', 'Thought: Look at it.\nAction: segment_query(01:23)', query('01:23')],
    ['a quoted timestamp', 'Thought: Look at it.\nAction: segment_query("01:23")', query('01:23')],
    ['single quotes', "Thought: Look at it.\nAction: segment_query('01:23')", query('01:23')],
    ['a keyword argument', 'Thought: Look at it.\nAction: segment_query(timestamp="01:23")', query('01:23')],
    ['a keyword with spaces', 'Thought: Look at it.\nAction: segment_query( timestamp = "01:23" )', query('01:23')],
    ['a space before the parenthesis', 'Thought: Look at it.\nAction: segment_query (01:23)', query('01:23')],
    ['HH:MM:SS', 'Thought: Look at it.\nAction: segment_query(01:02:03)', query('62:03')],
    ['seconds with a unit', 'Thought: Look at it.\nAction: segment_query(75s)', query('01:15')],
    ['fractional seconds', 'Thought: Look at it.\nAction: segment_query(75.5)', query('01:15')],
    ['a bracketed timestamp', 'Thought: Look at it.\nAction: segment_query([01:23])', query('01:23')],
    ['markdown bold around the labels', '**Thought:** Look at it.\n**Action:** segment_query(01:23)', query('01:23')],
    ['bold label with the colon outside', '**Thought**: Look at it.\n**Action**: segment_query(01:23)', query('01:23')],
    ['a list marker', '- Thought: Look at it.\n- Action: segment_query(01:23)', query('01:23')],
    ['backticks and a trailing period', 'Thought: Look at it.\nAction: `segment_query(01:23)`.', query('01:23')],
    ['a trailing period', 'Thought: Look at it.\nAction: segment_query(01:23).', query('01:23')],
    ['numbered labels', 'Thought 2: Look at it.\nAction 2: segment_query(01:23)', query('01:23')],
    ['a LangChain Action Input line', 'Thought: Look at it.\nAction: segment_query\nAction Input: 01:23', query('01:23')],
    ['a range', 'Thought: Look at it.\nAction: segment_query(01:10 - 01:25)', query('01:10-01:25')],
    ['a range in words', 'Thought: Look at it.\nAction: segment_query(01:10 to 01:25)', query('01:10-01:25')],
    ['start and end arguments', 'Thought: Look at it.\nAction: segment_query(start="01:10", end="01:25")', query('01:10-01:25')],
    ['a quoted retrieval query', 'Thought: Look at it.\nAction: segment_retrieval("the man opens a door")', { name: 'segment_retrieval', argument: 'the man opens a door' }],
    ['a keyword retrieval query', "Thought: Look at it.\nAction: segment_retrieval(query='the dog, running')", { name: 'segment_retrieval', argument: 'the dog, running' }],
    ['an unquoted query with an apostrophe', "Thought: Look at it.\nAction: segment_retrieval(the man's dog)", { name: 'segment_retrieval', argument: "the man's dog" }],
    ['a lower-case action label', 'thought: Look at it.\naction: segment_query(01:23)', query('01:23')],
  ])('reads %s', (_case, reply, action) => {
    expect(parseReasonerReply(reply, DOORS)).toEqual({ ok: true, value: { thought: 'Look at it.', action } });
  });

  it('skips a <think> block before the Thought, and takes its text as the thought when there is no other', () => {
    const reasoned = '<think>\nThe question is about the door. Action: segment_query(00:01) would be too early.\n</think>\n\nThought: The door opens around 01:23.\nAction: segment_query(01:23)';
    expect(parseReasonerReply(reasoned, DOORS)).toEqual({ ok: true, value: { thought: 'The door opens around 01:23.', action: query('01:23') } });
    // DeepSeek-R1 chat templates open the block in the prompt, so the reply holds only its end.
    const closedOnly = 'The door opens around 01:23.\n</think>\nAction: segment_query(01:23)';
    expect(parseReasonerReply(closedOnly, DOORS)).toEqual({ ok: true, value: { thought: 'The door opens around 01:23.', action: query('01:23') } });
  });

  it.each([
    ['no action line', 'Thought: hmm', 'no "Action:" line'],
    ['two actions', 'Action: answer(A)\nAction: answer(B)', '2 "Action:" lines'],
    ['an unknown action', 'Action: rewind(10)', 'unknown action "rewind"'],
    ['a letter outside the options', 'Action: answer(D)', 'the letter of an option (A, B, C), got "D": the reply answers D, which is not an option (A–C)'],
    ['two letters', 'Action: answer(A or B)', 'names several options as its answer (A, B)'],
    ['a reversed range', 'Action: segment_query(02:00-01:00)', 'needs a timestamp MM:SS (or a range MM:SS-MM:SS), got "02:00-01:00"'],
    ['a timestamp in words', 'Action: segment_query(the end)', 'needs a timestamp MM:SS (or a range MM:SS-MM:SS), got "the end"'],
    ['three times', 'Action: segment_query(00:01, 00:02, 00:03)', 'needs a timestamp'],
    ['an empty query', 'Action: segment_retrieval( )', 'needs a description'],
    ['text after the call', 'Action: answer(B) because it is red', 'is not an action call'],
  ])('reports %s', (_case, reply, problem) => {
    const parsed = parseReasonerReply(reply, DOORS);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });

  it('normalises multiple-choice answers to the option letter (also when only the option is restated) and keeps open answers as written', () => {
    expect(parseAction('answer("B")', DOORS)).toEqual({ ok: true, value: { name: 'answer', argument: 'B' } });
    expect(parseAction('answer((B) the blue door)', DOORS)).toEqual({ ok: true, value: { name: 'answer', argument: 'B' } });
    expect(parseAction('answer("the green door")', DOORS)).toEqual({ ok: true, value: { name: 'answer', argument: 'C' } });
    expect(parseAction('answer(I think so)', DOORS)).toEqual({
      ok: false,
      problem: 'answer needs the letter of an option (A, B, C), got "I think so": the reply names no option letter and restates no option’s text',
    });
    expect(parseAction('answer(a red door)')).toEqual({ ok: true, value: { name: 'answer', argument: 'a red door' } });
    expect(parseReasonerReply('Thought: It was red.\nAction: answer(answer="a red door")')).toEqual({
      ok: true,
      value: { thought: 'It was red.', action: { name: 'answer', argument: 'a red door' } },
    });
    // An open answer is free text: a letter-like word is not read as an option.
    expect(parseReasonerReply('Thought: Counted.\nAction: answer(A dozen)')).toEqual({
      ok: true,
      value: { thought: 'Counted.', action: { name: 'answer', argument: 'A dozen' } },
    });
  });
});

describe('time ranges', () => {
  it('reads a segment_query target: a moment in any common notation, or a range', () => {
    expect(parseSegmentTarget('01:30')).toEqual({ kind: 'moment', at: 90 });
    expect(parseSegmentTarget('1:02:03')).toEqual({ kind: 'moment', at: 3723 });
    expect(parseSegmentTarget('75 seconds')).toEqual({ kind: 'moment', at: 75 });
    expect(parseSegmentTarget('[00:10 – 00:20]')).toEqual({ kind: 'range', range: { start: 10, end: 20 } });
    expect(parseSegmentTarget('01:75')).toBeUndefined();
    expect(parseSegmentTarget('soon')).toBeUndefined();
  });

  it('reads ranges, and finds ranges in free text', () => {
    expect(parseTimeRange('[00:10 – 00:20]')).toEqual({ start: 10, end: 20 });
    expect(parseTimeRange('01:30')).toBeUndefined();
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

  it('selects the events around a moment: those containing it and one on each side', () => {
    const events = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 20, end: 30 },
      { start: 40, end: 50 },
      { start: 50, end: 60 },
    ];
    expect(eventsAround(events, 15)).toEqual(events.slice(0, 3));
    expect(eventsAround(events, 5)).toEqual(events.slice(0, 2));
    expect(eventsAround(events, 55)).toEqual(events.slice(3, 5));
    // On a boundary both events contain it.
    expect(eventsAround(events, 20)).toEqual(events.slice(0, 4));
    // In the gap between 00:30 and 00:40: the events on either side.
    expect(eventsAround(events, 35)).toEqual(events.slice(2, 4));
    expect(eventsAround(events, 90)).toEqual([events[4]]);
    expect(eventsAround([], 5)).toEqual([]);
  });
});
