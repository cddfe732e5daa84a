import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stableId } from '../../../nodes/rewatch/ids.ts';
import type { MCQ, QA } from '../../../nodes/rewatch/types.ts';
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

const DISTRACTORS: Record<string, string[]> = {
  Three: ['Two', 'Four', 'Six'],
  'OPEN 24 HOURS': ['CLOSED', 'NO SMOKING', 'EXIT'],
  'To the left of the stove': ['To the right of the stove', 'On top of the fridge', 'In the sink'],
  Blue: ['Red', 'Green', 'Yellow'],
  Golden: ['Black', 'White', 'Pink'],
  'To pick out a piece of shell': ['To add salt', 'To taste the mix', 'To stir with his finger'],
  White: ['Blue', 'white.', 'Red'],
  'A woman': ['A child', 'An old man', 'a child'],
};

function respond(request: ScriptedChatRequest): string {
  const prompt = promptOf(request);
  const distractors = request.model === 'qa-llm' && DISTRACTORS[field(prompt, 'Correct answer')];
  if (!distractors) throw new Error(`unexpected request to ${request.model}`);
  return JSON.stringify({ distractors });
}

function mcqGraph(questions: QA[], config: Record<string, unknown> = {}) {
  return graph([itemsNode({ qa: questions }), node('mcq', 'rewatch.mcq', config)], [edge('src', 'qa', 'mcq', 'qa')]);
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
    });
    // The answer does not always sit in the same place.
    expect(new Set(mcqs.map((m) => m.answer)).size).toBeGreaterThan(1);
    expect(await t.output<QA>(run.runId, 'mcq', 'open')).toEqual(QUESTIONS);
    expect(promptOf(t.requestsTo('qa-llm')[0]!)).toContain('Write 3 wrong options');
  });

  it('gives every question the same order for the same seed whatever the item order, and another for another seed', async () => {
    const first = optionsById(await t.output<MCQ>((await t.run(mcqGraph(QUESTIONS))).runId, 'mcq', 'mcq'));
    const reordered = await t.run(mcqGraph([...QUESTIONS].reverse(), { concurrency: 1 }), { noCache: true });
    expect(optionsById(await t.output<MCQ>(reordered.runId, 'mcq', 'mcq'))).toEqual(first);

    const reseeded = optionsById(await t.output<MCQ>((await t.run(mcqGraph(QUESTIONS, { seed: 7 }))).runId, 'mcq', 'mcq'));
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
});
