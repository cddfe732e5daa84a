import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stableId } from '../../../nodes/rewatch/ids.ts';
import { parseTimestamp } from '../../../nodes/rewatch/timecode.ts';
import type { DistractorCheck, MCQ, QA, RejectedMCQ } from '../../../nodes/rewatch/types.ts';
import type { ScriptedChatRequest } from '../../support/scripted-llm-server.ts';
import { edge, field, graph, itemsNode, KITCHEN, node, openQaEngine, promptOf, qa, type QaEngine } from './fixture.ts';

const QUESTIONS = [
  qa(KITCHEN, 'How many eggs does the man put on the counter?', 'Three', 'counting', 0, 40),
  qa(KITCHEN, 'What does the sign on the wall say?', 'OPEN 24 HOURS', 'OCR', 90, 165),
  qa(KITCHEN, 'Where is the pan relative to the stove?', 'To the left of the stove', 'spatial', 165, 250),
  qa(KITCHEN, 'What colour is the bowl?', 'Blue', 'object recognition', 40, 90),
  qa(KITCHEN, 'What colour does the omelette turn?', 'Golden', 'state change', 165, 250),
  qa(KITCHEN, 'Why does the man reach into the bowl?', 'To pick out a piece of shell', 'causal', 40, 90),
];
/** The model repeats the answer for one question and a distractor for another. */
const REPEATS_ANSWER = qa(KITCHEN, 'What is the plate’s colour?', 'White', 'object recognition', 250, 300);
const REPEATS_ITSELF = qa(KITCHEN, 'Who is served?', 'A woman', 'object recognition', 250, 300);

/** Judged against these: each is stated by an event of the question's evidence span, so it is a correct answer too. */
const CRACK = qa(KITCHEN, 'What does the man do with the eggs?', 'Cracks them into a blue bowl', 'event localization', 0, 90);
const SERVE = qa(KITCHEN, 'What does the man do with the omelette?', 'Serves it to a woman', 'event localization', 165, 300);
const BUSY = qa(KITCHEN, 'What does the man do in the first minute and a half?', 'He cracks eggs into a bowl', 'event localization', 0, 90);

const DISTRACTORS: Record<string, string[]> = {
  Three: ['Two', 'Four', 'Six'],
  'OPEN 24 HOURS': ['CLOSED', 'NO SMOKING', 'EXIT'],
  'To the left of the stove': ['To the right of the stove', 'On top of the fridge', 'In the sink'],
  Blue: ['Red', 'Green', 'Yellow'],
  Golden: ['Black', 'White', 'Pink'],
  'To pick out a piece of shell': ['To add salt', 'To taste the mix', 'To stir with his finger'],
  White: ['Blue', 'white.', 'Red'],
  'A woman': ['A child', 'An old man', 'a child'],
  [CRACK.answer]: ['Puts them on the counter', 'Throws them away', 'Boils them in a pot'],
  [SERVE.answer]: ['Serves it on a white plate', 'Throws it in the bin', 'Eats it himself'],
  [BUSY.answer]: ['He enters a kitchen', 'He puts eggs on the counter', 'He washes dishes'],
};

/** What the writer offers, in order, when asked to replace distractors found also correct. */
const REPLACEMENTS: Record<string, string[]> = {
  [CRACK.answer]: ['Fries them whole', 'Hides them in a drawer'],
  [SERVE.answer]: ['Serves it at the table', 'Serves it on a plate'],
  [BUSY.answer]: ['He picks out a piece of shell', 'He enters in a red apron', 'He picks the shell out', 'He puts three eggs on the counter'],
};

const STOP_WORDS = new Set(['a', 'an', 'the', 'of', 'to', 'it', 'them', 'he', 'his', 'in', 'into', 'on', 'at', 'with', 'and', 'is']);
const contentWords = (text: string) => (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !STOP_WORDS.has(w));

/** A judge reading the description in its prompt: an option is also correct when an event of the evidence span states it. */
function checkDistractors(prompt: string): string {
  const events = [...between(prompt, 'Description:', 'Question:').matchAll(/^\[(\d+:\d{2})-(\d+:\d{2})\] (.*)$/gm)].map((m) => ({
    start: parseTimestamp(m[1]!)!,
    end: parseTimestamp(m[2]!)!,
    line: m[0],
    text: m[3]!,
  }));
  const [from, to] = field(prompt, 'Evidence').split('-').map((t) => parseTimestamp(t)!) as [number, number];
  const options = [...between(prompt, 'Wrong options to check:', 'Reply with JSON').matchAll(/^\d+\. (.*)$/gm)].map((m) => m[1]!);
  const checks = options.map((option) => {
    const words = contentWords(option);
    const stating = events.find((e) => e.start < to && e.end > from && words.every((w) => contentWords(e.text).includes(w)));
    return stating ? { alsoCorrect: true, reason: `The description says: ${stating.line}` } : { alsoCorrect: false, reason: 'The description shows otherwise.' };
  });
  return JSON.stringify({ checks });
}

/** The text between two markers of a prompt. */
function between(text: string, from: string, until: string): string {
  const start = text.indexOf(from) + from.length;
  return text.slice(start, text.indexOf(until, start));
}

function writeReplacements(prompt: string): string {
  const count = Number(/Write (\d+) new wrong options/.exec(prompt)![1]);
  const unused = REPLACEMENTS[field(prompt, 'Correct answer')]!.filter((r) => !prompt.includes(r));
  return JSON.stringify({ distractors: unused.slice(0, count) });
}

function respond(request: ScriptedChatRequest): string {
  const prompt = promptOf(request);
  if (request.model === 'judge-llm' && prompt.includes('Wrong options to check:')) return checkDistractors(prompt);
  if (request.model === 'qa-llm' && prompt.includes('Rejected because they are also correct:')) return writeReplacements(prompt);
  const distractors = request.model === 'qa-llm' && DISTRACTORS[field(prompt, 'Correct answer')];
  if (!distractors) throw new Error(`unexpected request to ${request.model}`);
  return JSON.stringify({ distractors });
}

function mcqGraph(questions: QA[], config: Record<string, unknown> = {}) {
  return graph(
    [itemsNode({ qa: questions, captions: [KITCHEN] }), node('mcq', 'rewatch.mcq', config)],
    [edge('src', 'qa', 'mcq', 'qa'), edge('src', 'captions', 'mcq', 'captions')],
  );
}

const optionsById = (items: MCQ[]) => Object.fromEntries(items.map((m) => [m.id, m.options]));

describe('multiple-choice reformulation', () => {
  let t: QaEngine;
  beforeEach(async () => {
    t = await openQaEngine(respond);
  });
  afterEach(() => t.close());

  it('shuffles answer and distractors, records the correct letter and keeps the open form', async () => {
    const run = await t.run(mcqGraph(QUESTIONS));
    const mcqs = await t.output<MCQ>(run.runId, 'mcq', 'mcq');
    expect(mcqs).toHaveLength(QUESTIONS.length);
    mcqs.forEach((mcq, i) => {
      const source = QUESTIONS[i]!;
      expect(mcq).toMatchObject({
        id: stableId('mcq', source.id),
        qaId: source.id,
        videoId: source.videoId,
        captionId: source.captionId,
        type: source.type,
        question: source.question,
        open: source,
      });
      expect([...mcq.options].sort()).toEqual([source.answer, ...DISTRACTORS[source.answer]!].sort());
      expect(mcq.answer).toMatch(/^[A-D]$/);
      expect(mcq.options[mcq.answer.charCodeAt(0) - 65]).toBe(source.answer);
      // Every distractor went past the judge once and was found wrong.
      expect(mcq.distractorChecks).toEqual(
        DISTRACTORS[source.answer]!.map((text) => ({ text, verdict: 'wrong', reason: 'The description shows otherwise.', round: 0 })),
      );
    });
    // The answer does not always sit in the same place.
    expect(new Set(mcqs.map((m) => m.answer)).size).toBeGreaterThan(1);
    expect(await t.output<QA>(run.runId, 'mcq', 'open')).toEqual(QUESTIONS);
    expect(promptOf(t.requestsTo('qa-llm')[0]!)).toContain('Write 3 wrong options');
    // The judge checked each question's distractors against C_detail, joined by caption id.
    const checks = t.requestsTo('judge-llm').map(promptOf);
    expect(checks).toHaveLength(QUESTIONS.length);
    for (const check of checks) expect(check).toContain(KITCHEN.text);
    expect(checks.find((c) => c.includes(QUESTIONS[2]!.question))).toContain(
      'Evidence: 02:45-04:10\n\nWrong options to check:\n1. To the right of the stove\n2. On top of the fridge\n3. In the sink',
    );
  });

  it('gives every question the same order for the same seed whatever the item order, and another for another seed', async () => {
    const first = optionsById(await t.output<MCQ>((await t.run(mcqGraph(QUESTIONS))).runId, 'mcq', 'mcq'));
    const reordered = await t.run(mcqGraph([...QUESTIONS].reverse(), { concurrency: 1 }), { noCache: true });
    expect(optionsById(await t.output<MCQ>(reordered.runId, 'mcq', 'mcq'))).toEqual(first);

    // Both runs asked the writer with the seed (the second bypassed the caches).
    expect(t.requestsTo('qa-llm').map((r) => r.body.seed)).toEqual([...QUESTIONS, ...QUESTIONS].map(() => 0));
    const reseeded = optionsById(await t.output<MCQ>((await t.run(mcqGraph(QUESTIONS, { seed: 7 }))).runId, 'mcq', 'mcq'));
    // The seed also reaches the distractor writer, so a sampling writer's distractors follow it.
    expect(t.requestsTo('qa-llm').slice(-QUESTIONS.length).map((r) => r.body.seed)).toEqual(QUESTIONS.map(() => 7));
    expect(Object.keys(reseeded)).toEqual(Object.keys(first));
    const changed = Object.keys(first).filter((id) => JSON.stringify(first[id]) !== JSON.stringify(reseeded[id]));
    expect(changed.length).toBeGreaterThan(0);
  });

  it('makes a distractor that repeats the answer or another distractor an item error holding the raw reply', async () => {
    const run = await t.run(mcqGraph([QUESTIONS[0]!, REPEATS_ANSWER, REPEATS_ITSELF], { maxErrorRatio: 1 }));
    expect(run.nodes.find((n) => n.nodeId === 'mcq')).toMatchObject({ state: 'done', itemsFailed: 2, outputCounts: { mcq: 1, open: 1 } });
    expect(await t.errors(run.runId, 'mcq')).toEqual([
      {
        seq: 1,
        message: `question ${REPEATS_ANSWER.id}: distractor "white." repeats the correct answer`,
        raw: JSON.stringify({ distractors: DISTRACTORS.White }),
      },
      {
        seq: 2,
        message: `question ${REPEATS_ITSELF.id}: distractor "a child" appears twice`,
        raw: JSON.stringify({ distractors: DISTRACTORS['A woman'] }),
      },
    ]);
  });
  it('rewrites a distractor the caption makes correct too, and drops one that stays correct, keeping every verdict', async () => {
    const run = await t.run(mcqGraph([CRACK, SERVE]));
    const [crack, serve] = await t.output<MCQ>(run.runId, 'mcq', 'mcq');
    const verdict = (text: string, round: number, line?: string): DistractorCheck =>
      line
        ? { text, verdict: 'also-correct', reason: `The description says: ${line}`, round }
        : { text, verdict: 'wrong', reason: 'The description shows otherwise.', round };
    const [counterLine, , , , plateLine] = KITCHEN.text.split('\n') as [string, string, string, string, string];

    expect([...crack!.options].sort()).toEqual([CRACK.answer, 'Throws them away', 'Boils them in a pot', 'Fries them whole'].sort());
    expect(crack!.options[crack!.answer.charCodeAt(0) - 65]).toBe(CRACK.answer);
    expect(crack!.distractorChecks).toEqual([
      verdict('Puts them on the counter', 0, counterLine),
      verdict('Throws them away', 0),
      verdict('Boils them in a pot', 0),
      verdict('Fries them whole', 1),
    ]);

    // Still correct after the two rewrites: dropped, and the question keeps the three options it has.
    expect([...serve!.options].sort()).toEqual([SERVE.answer, 'Throws it in the bin', 'Eats it himself'].sort());
    expect(serve!.options[serve!.answer.charCodeAt(0) - 65]).toBe(SERVE.answer);
    expect(serve!.distractorChecks).toEqual([
      verdict('Serves it on a white plate', 0, plateLine),
      verdict('Throws it in the bin', 0),
      verdict('Eats it himself', 0),
      verdict('Serves it at the table', 1, plateLine),
      verdict('Serves it on a plate', 2, plateLine),
    ]);
    expect(await t.output<QA>(run.runId, 'mcq', 'open')).toEqual([CRACK, SERVE]);

    // The rewrite request says what was rejected and why, and what must not be repeated.
    const rewrite = t.requestsTo('qa-llm').map(promptOf).find((p) => p.includes(SERVE.question) && p.includes('Serves it at the table'))!;
    expect(rewrite).toContain('Write 1 new wrong options');
    expect(rewrite).toContain(`Options kept:\n- ${SERVE.answer}\n- Throws it in the bin\n- Eats it himself`);
    expect(rewrite).toContain(`- Serves it on a white plate: The description says: ${plateLine}`);
  });

  it('sends a question left with fewer than minOptions options to `rejected`, with the reason', async () => {
    const run = await t.run(mcqGraph([BUSY, QUESTIONS[0]!]));
    expect(run.nodes.find((n) => n.nodeId === 'mcq')).toMatchObject({ state: 'done', itemsFailed: 0, outputCounts: { mcq: 1, open: 1, rejected: 1 } });
    expect(await t.output<QA>(run.runId, 'mcq', 'open')).toEqual([QUESTIONS[0]]);
    const [rejected] = await t.output<RejectedMCQ>(run.runId, 'mcq', 'rejected');
    const lines = KITCHEN.text.split('\n');
    const said = (text: string, line: number) => `"${text}" is also correct (The description says: ${lines[line]})`;
    expect(rejected).toMatchObject({
      qaId: BUSY.id,
      open: BUSY,
      options: [BUSY.answer, 'He washes dishes'],
      reason: `only 2 of the 3 options needed remain after 2 rewrites: ${said('He picks the shell out', 1)}; ${said('He puts three eggs on the counter', 0)}`,
    });
    expect(rejected!.distractorChecks.map((c) => [c.text, c.verdict, c.round])).toEqual([
      ['He enters a kitchen', 'also-correct', 0],
      ['He puts eggs on the counter', 'also-correct', 0],
      ['He washes dishes', 'wrong', 0],
      ['He picks out a piece of shell', 'also-correct', 1],
      ['He enters in a red apron', 'also-correct', 1],
      ['He picks the shell out', 'also-correct', 2],
      ['He puts three eggs on the counter', 'also-correct', 2],
    ]);

    // With a lower minimum the same question keeps its two options.
    const lenient = await t.run(mcqGraph([BUSY], { minOptions: 2 }));
    expect((await t.output<MCQ>(lenient.runId, 'mcq', 'mcq')).map((m) => [...m.options].sort())).toEqual([[BUSY.answer, 'He washes dishes'].sort()]);
  });

  it('writes the options unchecked when checkDistractors is off, and refuses a minimum it can never reach', async () => {
    const unchecked = await t.run(mcqGraph([SERVE], { checkDistractors: false }));
    const [mcq] = await t.output<MCQ>(unchecked.runId, 'mcq', 'mcq');
    expect([...mcq!.options].sort()).toEqual([SERVE.answer, ...DISTRACTORS[SERVE.answer]!].sort());
    expect(mcq!.distractorChecks).toBeUndefined();
    expect(t.requestsTo('judge-llm')).toEqual([]);

    const impossible = await t.run(mcqGraph([SERVE], { minOptions: 5, maxErrorRatio: 1 }));
    expect((await t.errors(impossible.runId, 'mcq')).map((e) => e.message)).toEqual([
      'minOptions (5) is more than the 4 options a question gets (distractors + 1)',
    ]);
  });
});
