import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { DenseCaptionType, MCQType, QAType, type MCQ, type QA, type Trajectory } from '../../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { denseCaption, firstMessage, lastMessage, mcq, nodeGraph, openEngine, openQuestion } from './support.ts';

const caption = denseCaption(
  'cap-kitchen',
  [
    { start: 0, end: 10, text: 'A man walks into a kitchen.' },
    { start: 10, end: 20, text: 'He opens a red door with his left hand.' },
    { start: 15, end: 30, text: 'A dog runs out through the open door.' },
    { start: 30, end: 40, text: 'The man closes the door.' },
    { start: 65, end: 75, text: 'The man opens the fridge door.' },
  ],
  120,
);

const questions = {
  happy: mcq('q-happy', caption, 'Why does the dog leave the kitchen?', ['The fridge opens', 'The man opens the red door', 'A bell rings'], 'B'),
  malformed: mcq('q-malformed', caption, 'What does the man close?', ['The door', 'The fridge'], 'A'),
  retry: mcq('q-retry', caption, 'What colour is the door?', ['Blue', 'Green', 'Red'], 'C'),
  never: mcq('q-never', caption, 'How many dogs are there?', ['One', 'Two'], 'A'),
  broken: mcq('q-broken', caption, 'Who rings the bell?', ['The man', 'The dog'], 'A'),
  endless: mcq('q-endless', caption, 'Where is the cat?', ['On the table', 'Under the chair'], 'B'),
  moments: mcq('q-moments', caption, 'What does the man open last?', ['The red door', 'The fridge'], 'B'),
};

const openQuestions = {
  door: openQuestion('qa-door', caption, 'Which door lets the dog out?', 'the red door'),
  wrong: openQuestion('qa-wrong', caption, 'Where does the dog go?', 'out of the kitchen'),
};

/** Reasoner replies per script key (see `scriptKey`): one list per attempt (the last repeats), one reply per turn. */
const reasonerScript: Record<string, string[][]> = {
  [questions.happy.question]: [
    [
      'Thought: I need to see when a door opens.\nAction: segment_retrieval(the man opens a door)',
      'Thought: The first door opening is the likely one.\nAction: segment_query(00:10 - 00:20)',
      'Thought: The dog runs out through the door the man opened.\nAction: answer(B)',
    ],
  ],
  [questions.malformed.question]: [
    ['I think the answer is the door.', 'Thought: Let me look.\nAction: look_around(kitchen)'],
    [
      'Thought: Check the end.\nAction: segment_query(the end)',
      'Thought: The closing happens around 00:30.\nAction: segment_query(00:30-00:40)',
      'Thought: He closes the door.\nAction: answer(A)',
    ],
  ],
  [questions.retry.question]: [['Thought: Doors are usually blue.\nAction: answer(A)'], ['Thought: It was red.\nAction: answer(C)'], ['Action: answer(C)']],
  [questions.never.question]: [['Thought: Probably two.\nAction: answer(B)']],
  [questions.broken.question]: [['Thought: Find the bell.\nAction: segment_retrieval(someone rings a bell)']],
  [questions.endless.question]: [['Thought: Keep looking.\nAction: segment_retrieval(a cat)']],
  // The paper's form: one timestamp, written the ways models write it.
  [questions.moments.question]: [
    [
      'Thought: Start where the door opens.\nAction: segment_query("00:15")',
      '**Thought:** Now the fridge.\n**Action:** segment_query(timestamp="01:08")',
      'Thought: In the gap between them.\nAction: segment_query(50s)',
      'Thought: And after the end.\nAction: segment_query(05:00).',
      'Thought: The fridge comes last.\nAction: answer(B)',
    ],
  ],
  [`open: ${openQuestions.door.question}`]: [
    [
      'Thought: Look when the dog leaves.\nAction: segment_query(00:18)',
      '<think>The dog ran through the door he opened.</think>\nThought: It is the red door.\nAction: answer("The red one")',
    ],
  ],
  [`open: ${openQuestions.wrong.question}`]: [['Thought: Dogs hide.\nAction: answer(under the table)']],
  [`open: ${questions.happy.question}`]: [
    [
      'Thought: I need to see when a door opens.\nAction: segment_retrieval(the man opens a door)',
      'Thought: The dog runs out through the door the man opened.\nAction: answer(The red one)',
    ],
  ],
};

/** The judge's verdict on each open answer the reasoner gives. */
const judgeVerdicts: Record<string, { correct: boolean; reason: string }> = {
  'The red one': { correct: true, reason: 'The red one is the red door.' },
  'under the table': { correct: false, reason: 'The dog runs out of the kitchen, not under the table.' },
};

const retrievalReplies: Record<string, string> = {
  'the man opens a door': 'Matching events:\n[00:10-00:20]\n[1:05 - 1:15]\n[99:00-99:10]',
  'someone rings a bell': 'I could not find it.',
  'a cat': 'NONE',
};

const segmentReplies: Record<string, string> = {
  '00:10-00:20': 'From 00:10 the man opens a red door with his left hand and a dog runs out through it.',
  '00:30-00:40': 'At 00:30 the man closes the door.',
  '00:00-00:40': 'He walks in, opens the red door, the dog runs out and he closes the door.',
  '00:30-01:15': 'He closes the door at 00:30 and opens the fridge at 01:05.',
};

/** Which script a reasoner request follows: its question, prefixed with `open: ` when it has no options. */
function scriptKey(request: ScriptedChatRequest): string {
  const prompt = firstMessage(request);
  const question = /^Question: (.*)$/m.exec(prompt)?.[1];
  if (!question) throw new Error('no question in the reasoner prompt');
  return prompt.includes('\nOptions:\n') ? question : `open: ${question}`;
}

function scriptedServer() {
  const attemptsSeen = new Map<string, number>();
  return startScriptedLlmServer({
    respond(request) {
      const prompt = firstMessage(request);
      if (request.model === 'reasoner') {
        const key = scriptKey(request);
        const turn = request.messages.filter((m) => m.role === 'assistant').length;
        if (turn === 0) attemptsSeen.set(key, (attemptsSeen.get(key) ?? 0) + 1);
        const attempts = reasonerScript[key]!;
        const replies = attempts[Math.min(attemptsSeen.get(key)! - 1, attempts.length - 1)]!;
        return replies[Math.min(turn, replies.length - 1)]!;
      }
      if (request.model === 'observer') {
        const query = /matches this request: (.*)$/m.exec(prompt)?.[1];
        if (query !== undefined) return retrievalReplies[query]!;
        const range = /cover (\S+):$/m.exec(prompt)?.[1];
        return segmentReplies[range!]!;
      }
      if (request.model === 'judge') {
        const candidate = /^Candidate answer: (.*)$/m.exec(prompt)![1]!;
        return JSON.stringify(judgeVerdicts[candidate]);
      }
      throw new Error(`unexpected model ${request.model}`);
    },
  });
}

describe('rewatch.react', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;

  beforeEach(async () => {
    dir = tempDir();
    server = await scriptedServer();
    engine = openEngine(join(dir.path, 'data'), server.baseURL);
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  const reasonerRequests = (key: string) => server.requests.filter((r) => r.model === 'reasoner' && scriptKey(r) === key);

  async function run(items: MCQ[], config: Record<string, unknown> = {}, open: QA[] = []) {
    const graph = nodeGraph(
      { type: 'rewatch.react', config: { maxErrorRatio: 1, ...config } },
      {
        questions: [
          { type: MCQType, items },
          { type: QAType, items: open },
        ],
        captions: { type: DenseCaptionType, items: [caption] },
      },
    );
    const { runId, status, error, nodes } = await runToEnd(engine, graph);
    expect({ status, error }).toEqual({ status: 'done', error: null });
    const port = async (name: string) =>
      (await engine.nodeOutput(runId, 'n', name, { limit: 100 })).items.map((i) => i.data as Trajectory);
    return {
      trajectories: await port('trajectories'),
      rejected: await port('rejected'),
      errors: (await engine.nodeErrors(runId, 'n', {})).errors,
      state: nodes.find((n) => n.nodeId === 'n')!.state,
    };
  }

  it('follows the actions: retrieval returns checked timestamps, a segment query reads the overlapping caption lines', async () => {
    const { trajectories, rejected } = await run([questions.happy]);
    expect(rejected).toEqual([]);
    expect(trajectories).toHaveLength(1);
    const [trajectory] = trajectories;
    expect(trajectory).toMatchObject({
      questionId: 'q-happy',
      captionId: caption.id,
      videoId: caption.videoId,
      options: questions.happy.options,
      groundTruth: 'B',
      finalAnswer: 'B',
      correct: true,
      attempt: 1,
    });
    expect(trajectory!.steps).toEqual([
      {
        thought: 'I need to see when a door opens.',
        action: { name: 'segment_retrieval', argument: 'the man opens a door' },
        // 1:05 - 1:15 normalised; 99:00-99:10 is past the 2-minute video and dropped.
        observation: 'Matching events: [00:10-00:20], [01:05-01:15]',
      },
      {
        thought: 'The first door opening is the likely one.',
        action: { name: 'segment_query', argument: '00:10-00:20' },
        observation: segmentReplies['00:10-00:20'],
      },
      {
        thought: 'The dog runs out through the door the man opened.',
        action: { name: 'answer', argument: 'B' },
        observation: '',
      },
    ]);

    const observer = server.requests.filter((r) => r.model === 'observer');
    expect(observer).toHaveLength(2);
    expect(firstMessage(observer[0]!)).toContain(caption.text);
    const segmentLines = firstMessage(observer[1]!)
      .split('\n')
      .filter((line) => line.startsWith('['));
    expect(segmentLines).toEqual([
      '[00:10-00:20] He opens a red door with his left hand.',
      '[00:15-00:30] A dog runs out through the open door.',
    ]);

    const reasoner = reasonerRequests(questions.happy.question);
    expect(reasoner).toHaveLength(3);
    expect(firstMessage(reasoner[0]!)).toContain('A. The fridge opens\nB. The man opens the red door\nC. A bell rings');
    expect(lastMessage(reasoner[1]!)).toBe('Observation: Matching events: [00:10-00:20], [01:05-01:15]');
    // The history holds the action as executed: the range normalised.
    expect(reasoner[2]!.messages[3]).toEqual({
      role: 'assistant',
      content: 'Thought: The first door opening is the likely one.\nAction: segment_query(00:10-00:20)',
    });
    expect(lastMessage(reasoner[2]!)).toBe(`Observation: ${segmentReplies['00:10-00:20']}`);
    expect(reasoner.every((r) => r.body.temperature === 0.7 && r.body.seed === 0)).toBe(true);
  });

  it('tells a malformed action back once and fails the attempt on a second one', async () => {
    const { trajectories } = await run([questions.malformed]);
    const reasoner = reasonerRequests(questions.malformed.question);
    // Attempt 1: malformed, told back, malformed again → failed. Attempt 2: malformed, told back, query, answer.
    expect(reasoner).toHaveLength(5);
    expect(lastMessage(reasoner[1]!)).toMatch(/^Observation: your reply could not be used: the reply has no "Action:" line\./);
    expect(lastMessage(reasoner[2]!)).not.toContain('look_around'); // attempt 2 starts afresh
    expect(reasoner[2]!.messages).toHaveLength(1);
    expect(lastMessage(reasoner[3]!)).toBe(
      'Observation: your reply could not be used: segment_query needs a timestamp MM:SS (or a range MM:SS-MM:SS), got "the end".\n' +
        'Reply with one "Thought: ..." followed by one "Action: ..." line, the action being segment_retrieval(query), ' +
        'segment_query(MM:SS) or answer(LETTER).',
    );

    expect(trajectories).toHaveLength(1);
    expect(trajectories[0]).toMatchObject({ attempt: 2, correct: true, finalAnswer: 'A' });
    expect(trajectories[0]!.steps.map((s) => s.action)).toEqual([
      { name: 'segment_query', argument: '00:30-00:40' },
      { name: 'answer', argument: 'A' },
    ]);
    const segmentQuery = server.requests.find((r) => r.model === 'observer')!;
    expect(firstMessage(segmentQuery).split('\n').filter((l) => l.startsWith('['))).toEqual(['[00:30-00:40] The man closes the door.']);
  });

  it('samples again with a new attempt and keeps the first correct trajectory', async () => {
    const { trajectories, rejected } = await run([questions.retry]);
    expect(rejected).toEqual([]);
    expect(trajectories).toEqual([expect.objectContaining({ attempt: 2, finalAnswer: 'C', correct: true })]);
    const reasoner = reasonerRequests(questions.retry.question);
    // The second attempt sends the same messages with the next seed, so the server is asked again.
    expect(reasoner).toHaveLength(2);
    expect(reasoner[1]!.messages).toEqual(reasoner[0]!.messages);
    expect(reasoner.map((r) => r.body.seed)).toEqual([0, 1]);
  });

  it('sends the last attempt to rejected when no attempt answers correctly', async () => {
    const { trajectories, rejected, errors } = await run([questions.never]);
    expect(trajectories).toEqual([]);
    expect(errors).toEqual([]);
    expect(rejected).toEqual([
      expect.objectContaining({
        questionId: 'q-never',
        attempt: 4,
        finalAnswer: 'B',
        correct: false,
        failure: expect.stringMatching(/answered B; the correct answer is [A-Z]/),
      }),
    ]);
    expect(reasonerRequests(questions.never.question)).toHaveLength(4);
  });

  it('enforces maxSteps: an attempt that never answers fails', async () => {
    const { trajectories, rejected } = await run([questions.endless], { maxSteps: 3, attempts: 2 });
    expect(trajectories).toEqual([]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ attempt: 2, finalAnswer: '', correct: false, failure: 'no answer within 3 steps' });
    expect(rejected[0]!.steps).toHaveLength(3);
    expect(rejected[0]!.steps.every((s) => s.observation === 'No matching events.')).toBe(true);
    expect(reasonerRequests(questions.endless.question)).toHaveLength(6);
  });

  it('makes an observer reply without time ranges an item error holding the raw text', async () => {
    const { trajectories, rejected, errors } = await run([questions.broken, questions.retry]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ seq: 0, raw: 'I could not find it.' });
    expect(errors[0]!.message).toContain('segment_retrieval reply holds no time range');
    expect(trajectories.map((t) => t.questionId)).toEqual(['q-retry']);
    expect(rejected).toEqual([]);
  });
  it('queries a timestamp: the events containing it and one on each side; a gap gets its neighbours, past the end nothing', async () => {
    const { trajectories } = await run([questions.moments]);
    expect(trajectories).toHaveLength(1);
    expect(trajectories[0]!.steps.map((s) => [s.action.argument, s.observation])).toEqual([
      ['00:15', segmentReplies['00:00-00:40']],
      ['01:08', segmentReplies['00:30-01:15']],
      ['00:50', segmentReplies['00:30-01:15']],
      ['05:00', 'Nothing is described at 05:00.'],
      ['B', ''],
    ]);
    const linesShown = server.requests
      .filter((r) => r.model === 'observer')
      .map((r) => firstMessage(r).split('\n').filter((line) => line.startsWith('[')));
    expect(linesShown).toEqual([
      // 00:15 lies in two events; with the event before and after them.
      ['[00:00-00:10] A man walks into a kitchen.', '[00:10-00:20] He opens a red door with his left hand.', '[00:15-00:30] A dog runs out through the open door.', '[00:30-00:40] The man closes the door.'],
      // 01:08 lies in the last event: the one before it, none after.
      ['[00:30-00:40] The man closes the door.', '[01:05-01:15] The man opens the fridge door.'],
      // 00:50 lies in no event: the events on either side of the gap, the same lines, so the request cache answers.
    ]);
    // The default prompt teaches the paper's form.
    expect(firstMessage(reasonerRequests(questions.moments.question)[0]!)).toContain('- segment_query(<MM:SS>): ');
  });

  it('answers open questions without options, judges the answer, and rejects a wrong one with the judge’s reason', async () => {
    const { trajectories, rejected, errors } = await run([], { attempts: 2 }, [openQuestions.door, openQuestions.wrong]);
    expect(errors).toEqual([]);

    const opening = firstMessage(reasonerRequests(`open: ${openQuestions.door.question}`)[0]!);
    expect(opening).not.toContain('Options:');
    expect(opening).toContain('- answer(<short answer>): ');
    expect(trajectories).toEqual([
      expect.objectContaining({
        questionId: 'qa-door',
        form: 'open',
        groundTruth: 'the red door',
        finalAnswer: 'The red one',
        correct: true,
        attempt: 1,
      }),
    ]);
    expect(trajectories[0]).not.toHaveProperty('options');
    expect(trajectories[0]!.steps[1]).toEqual({
      thought: 'It is the red door.',
      action: { name: 'answer', argument: 'The red one' },
      observation: '',
    });
    const judged = server.requests.filter((r) => r.model === 'judge').map(firstMessage);
    expect(judged).toContainEqual(
      expect.stringContaining('Question: Which door lets the dog out?\nReference answer: the red door\nCandidate answer: The red one\n'),
    );

    expect(rejected).toEqual([
      expect.objectContaining({
        questionId: 'qa-wrong',
        form: 'open',
        finalAnswer: 'under the table',
        correct: false,
        attempt: 2,
        failure: 'the judge rejected "under the table" (reference "out of the kitchen"): The dog runs out of the kitchen, not under the table.',
      }),
    ]);
  });

  it('takes both forms through one node in one run, each with its own trajectory id', async () => {
    // Its open form, from a source that gave it the same id.
    const sameQuestion = openQuestion(questions.happy.id, caption, questions.happy.question, 'the red door');
    const { trajectories, rejected } = await run([questions.happy], {}, [sameQuestion]);
    expect(rejected).toEqual([]);
    expect(trajectories.map((t) => [t.questionId, t.form, t.finalAnswer, t.correct])).toEqual([
      ['q-happy', 'mc', 'B', true],
      ['q-happy', 'open', 'The red one', true],
    ]);
    expect(new Set(trajectories.map((t) => t.id)).size).toBe(2);
  });

  it('seeds the reasoner (attempt n uses seed + n - 1) and re-runs when the seed changes', async () => {
    const first = await run([questions.retry], { seed: 7 });
    expect(first.state).toBe('done');
    const seeds = () => reasonerRequests(questions.retry.question).map((r) => r.body.seed);
    expect(seeds()).toEqual([7, 8]);
    expect(server.requests.filter((r) => r.model === 'observer').every((r) => r.body.seed === undefined)).toBe(true);

    const again = await run([questions.retry], { seed: 7 });
    expect(again.state).toBe('cached');
    expect(seeds()).toEqual([7, 8]);

    const reseeded = await run([questions.retry], { seed: 20 });
    expect(reseeded.state).toBe('done');
    expect(seeds()).toEqual([7, 8, 20]);
    expect(reseeded.trajectories).toEqual([expect.objectContaining({ attempt: 1, finalAnswer: 'C', correct: true })]);
  });
});
