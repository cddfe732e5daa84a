import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answeredCorrectly } from '../../../nodes/rewatch/qa/bias-probe.ts';
import { DEFAULT_JUDGE_PROMPT } from '../../../nodes/rewatch/judge.ts';
import type { FilterVerdict, MCQ, QA } from '../../../nodes/rewatch/types.ts';
import { testClient } from '../../llm/helpers.ts';
import { startScriptedLlmServer, type ScriptedChatRequest } from '../../support/scripted-llm-server.ts';
import { edge, field, graph, itemsNode, KITCHEN, KITCHEN_SUMMARY, node, openQaEngine, promptOf, qa, type QaEngine } from './fixture.ts';

const EGGS = qa(KITCHEN, 'How many eggs does the man put on the counter?', 'Three', 'counting', 0, 40);
const SIGN = qa(KITCHEN, 'What does the sign on the wall say?', 'OPEN 24 HOURS', 'OCR', 90, 165);
const DISH = qa(KITCHEN, 'What dish does the man cook?', 'An omelette', 'object recognition', 165, 250);
const PAN = qa(KITCHEN, 'Where is the pan relative to the stove?', 'To the left of the stove', 'spatial', 165, 250);
const GUEST = qa(KITCHEN, 'Who is the food served to?', 'A woman', 'object recognition', 250, 300);
/** The caption says the plate is white: F1 drops it. */
const PLATE = qa(KITCHEN, 'What colour is the plate?', 'Green', 'object recognition', 250, 300);
const QUESTIONS = [EGGS, SIGN, DISH, PAN, GUEST, PLATE];

/** What each probe answers from the question alone: [probe-text, probe-vlm]. */
const BLIND_ANSWERS: Record<string, [string, string]> = {
  [DISH.question]: ['An omelette', 'an omelette.'],
  [EGGS.question]: ['Three', 'Two'],
  [SIGN.question]: ['CLOSED', 'I cannot tell'],
  [PAN.question]: ['On the right', 'To the left of the stove'],
  [GUEST.question]: ['A child', 'An old man'],
  [PLATE.question]: ['White', 'Green'],
};
/** With the summary, both probes see who is served. */
const SUMMARY_ANSWERS: Record<string, [string, string]> = { ...BLIND_ANSWERS, [GUEST.question]: ['A woman', 'A woman.'] };

const normalized = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .split(/\s+/)
    .filter((w) => w && !['a', 'an', 'the', 'of', 'to', 'it'].includes(w));

/** A multiple-choice form of `source` with these options, as `rewatch.mcq` writes it. */
function mcqOf(source: QA, options: string[]): MCQ {
  const { id, videoId, videoPath, captionId, type, question } = source;
  const answer = String.fromCharCode(65 + options.indexOf(source.answer));
  return { id: `mcq-${id}`, qaId: id, videoId, videoPath, captionId, type, question, options, answer, open: source };
}

/** The answer is the one specific, longest option: probes pick it from the options alone. */
const SIGN_MC = mcqOf(SIGN, ['EXIT', 'OPEN 24 HOURS', 'STOP', 'CLOSED']);
const EGGS_MC = mcqOf(EGGS, ['Two', 'Three', 'Twelve', 'Four']);
const PAN_MC = mcqOf(PAN, ['To the right of the stove', 'On the fridge', 'To the left of the stove', 'In the sink']);
/** Only the summary gives this one away (it says who is served). */
const GUEST_MC = mcqOf(GUEST, ['A child', 'A woman', 'An old man', 'A dog']);
const MCQS = [SIGN_MC, EGGS_MC, PAN_MC, GUEST_MC];

/** `A. text` lines of a multiple-choice prompt. */
const optionLines = (prompt: string) => [...prompt.matchAll(/^([A-Z])\. (.*)$/gm)].map((m) => ({ letter: m[1]!, text: m[2]! }));

/**
 * A probe shown options without the video: it picks the option its summary names, else the longest, most specific one
 * (a bias of real models that badly written options reward). The two probes word their replies differently.
 */
function multipleChoiceProbe(model: string, prompt: string): string {
  const options = optionLines(prompt);
  const summary = prompt.includes(KITCHEN_SUMMARY.text) ? normalized(KITCHEN_SUMMARY.text).join(' ') : '';
  const named = options.find((o) => summary && ` ${summary} `.includes(` ${normalized(o.text).join(' ')} `));
  const pick = named ?? options.reduce((a, b) => (b.text.length > a.text.length ? b : a));
  return model === 'probe-text' ? pick.letter : `The answer is ${pick.letter}.`;
}

/** Answers as the models would: probes from what their prompt shows, judges by comparing texts. */
function respond(request: ScriptedChatRequest): string {
  const prompt = promptOf(request);
  if (request.model.startsWith('probe-') && prompt.includes('\nOptions:\n')) return multipleChoiceProbe(request.model, prompt);
  if (request.model === 'judge-llm' && prompt.includes('Reference answer:')) {
    const same = normalized(field(prompt, 'Reference answer')).join(' ') === normalized(field(prompt, 'Candidate answer')).join(' ');
    return JSON.stringify({ correct: same, reason: same ? 'Same answer.' : 'A different answer.' });
  }
  if (request.model === 'judge-llm') {
    const description = prompt.slice(prompt.indexOf('Description:'), prompt.indexOf('Question:')).toLowerCase();
    const missing = normalized(field(prompt, 'Answer')).find((word) => !description.includes(word));
    return JSON.stringify(
      missing
        ? { supported: false, reason: `The description never mentions "${missing}".` }
        : { supported: true, reason: 'The description states it.' },
    );
  }
  const answers = prompt.includes(KITCHEN_SUMMARY.text) ? SUMMARY_ANSWERS : BLIND_ANSWERS;
  const pair = answers[field(prompt, 'Question')];
  if (pair && request.model === 'probe-text') return pair[0];
  if (pair && request.model === 'probe-vlm') return pair[1];
  throw new Error(`unexpected request to ${request.model}`);
}

function filtersGraph(threshold?: number) {
  const probeConfig = threshold === undefined ? {} : { threshold };
  return graph(
    [
      itemsNode({ captions: [KITCHEN], summaries: [KITCHEN_SUMMARY], qa: QUESTIONS }),
      node('f1', 'rewatch.answer-filter'),
      node('f2', 'rewatch.text-bias-filter', probeConfig),
      node('f3', 'rewatch.summary-bias-filter', probeConfig),
    ],
    [
      edge('src', 'qa', 'f1', 'qa'),
      edge('src', 'captions', 'f1', 'captions'),
      edge('src', 'qa', 'f2', 'qa'),
      edge('src', 'qa', 'f3', 'qa'),
      edge('src', 'summaries', 'f3', 'summaries'),
    ],
  );
}

const idsOf = (items: QA[]) => items.map((q) => q.question);
const byQuestion = (verdicts: FilterVerdict[]) =>
  Object.fromEntries(verdicts.map((v) => [QUESTIONS.find((q) => q.id === v.qaId)!.question, v]));

describe('answer verification and bias filters', () => {
  let t: QaEngine;
  beforeEach(async () => {
    t = await openQaEngine(respond);
  });
  afterEach(() => t.close());

  it('F1 keeps the answers the caption supports and records the judge’s reason for the others', async () => {
    const run = await t.run(filtersGraph());
    expect(idsOf(await t.output<QA>(run.runId, 'f1', 'kept'))).toEqual(idsOf([EGGS, SIGN, DISH, PAN, GUEST]));
    const verdicts = await t.output<FilterVerdict>(run.runId, 'f1', 'verdicts');
    expect(verdicts).toHaveLength(6);
    expect(verdicts[5]).toEqual({
      qaId: PLATE.id,
      stage: 'F1',
      kept: false,
      probes: [],
      accuracy: 0,
      reason: 'The description never mentions "green".',
    });
    expect(verdicts[0]).toMatchObject({ qaId: EGGS.id, kept: true, accuracy: 1, reason: 'The description states it.' });
    // F1's check of the plate question (F2 grades its probes' answers with the judge too, and may ask first).
    const check = t
      .requestsTo('judge-llm')
      .map(promptOf)
      .find((p) => p.startsWith('You check a question written about a video') && p.includes(`Question: ${PLATE.question}`))!;
    expect(check).toContain(KITCHEN.text);
    expect(check).toContain('Evidence: 04:10-05:00');
  });

  it('F2 drops exactly the questions every probe answers without the video, with each probe’s answer in the verdict', async () => {
    const run = await t.run(filtersGraph());
    expect(idsOf(await t.output<QA>(run.runId, 'f2', 'kept'))).toEqual(idsOf([EGGS, SIGN, PAN, GUEST, PLATE]));
    const verdicts = byQuestion(await t.output<FilterVerdict>(run.runId, 'f2', 'verdicts'));
    expect(verdicts[DISH.question]).toEqual({
      qaId: DISH.id,
      stage: 'F2',
      kept: false,
      probes: [
        { probe: 'probe-text', answer: 'An omelette', correct: true, reason: 'Same answer.' },
        { probe: 'probe-vlm', answer: 'an omelette.', correct: true, reason: 'Same answer.' },
      ],
      accuracy: 1,
      reason: '2/2 probes answered correctly without the video',
    });
    expect(verdicts[EGGS.question]).toEqual({
      qaId: EGGS.id,
      stage: 'F2',
      kept: true,
      probes: [
        { probe: 'probe-text', answer: 'Three', correct: true, reason: 'Same answer.' },
        { probe: 'probe-vlm', answer: 'Two', correct: false, reason: 'A different answer.' },
      ],
      accuracy: 0.5,
      reason: '1/2 probes answered correctly without the video',
    });
    expect(verdicts[SIGN.question]).toMatchObject({ kept: true, accuracy: 0, reason: '0/2 probes answered correctly without the video' });

    const blindPrompts = t.server.requests.filter((r) => r.model.startsWith('probe-') && !promptOf(r).includes(KITCHEN_SUMMARY.text));
    expect(blindPrompts).toHaveLength(QUESTIONS.length * 2);
    for (const request of blindPrompts) {
      const prompt = promptOf(request);
      for (const event of KITCHEN.events) expect(prompt).not.toContain(event.text);
      expect(prompt).not.toMatch(/\d\d:\d\d/);
    }
  });

  it('F3 drops exactly the questions every probe answers from the summary, and its probes never see the detail', async () => {
    const run = await t.run(filtersGraph());
    expect(idsOf(await t.output<QA>(run.runId, 'f3', 'kept'))).toEqual(idsOf([EGGS, SIGN, PAN, PLATE]));
    const verdicts = byQuestion(await t.output<FilterVerdict>(run.runId, 'f3', 'verdicts'));
    expect(verdicts[GUEST.question]).toEqual({
      qaId: GUEST.id,
      stage: 'F3',
      kept: false,
      probes: [
        { probe: 'probe-text', answer: 'A woman', correct: true, reason: 'Same answer.' },
        { probe: 'probe-vlm', answer: 'A woman.', correct: true, reason: 'Same answer.' },
      ],
      accuracy: 1,
      reason: '2/2 probes answered correctly from the summary alone',
    });
    expect(verdicts[PAN.question]).toMatchObject({ kept: true, accuracy: 0.5 });

    const summaryPrompts = t.server.requests.filter((r) => r.model.startsWith('probe-') && promptOf(r).includes(KITCHEN_SUMMARY.text));
    expect(summaryPrompts).toHaveLength(QUESTIONS.length * 2);
    for (const request of summaryPrompts) {
      for (const event of KITCHEN.events) expect(promptOf(request)).not.toContain(event.text);
    }
  });

  it('with θ = 0.5 a question is dropped once half the probes answer it', async () => {
    const run = await t.run(filtersGraph(0.5));
    expect(idsOf(await t.output<QA>(run.runId, 'f2', 'kept'))).toEqual(idsOf([SIGN, GUEST]));
    expect(idsOf(await t.output<QA>(run.runId, 'f3', 'kept'))).toEqual(idsOf([SIGN]));
    const verdicts = byQuestion(await t.output<FilterVerdict>(run.runId, 'f2', 'verdicts'));
    expect(verdicts[EGGS.question]).toMatchObject({ kept: false, accuracy: 0.5 });
  });
});

/** The paper's order after the multiple-choice reformulation: MCQ → F2 → F3, each filter probing both forms. */
function multipleChoiceGraph(config: Record<string, unknown> = {}) {
  return graph(
    [
      itemsNode({ summaries: [KITCHEN_SUMMARY], mcq: MCQS }),
      node('f2', 'rewatch.text-bias-filter', config),
      node('f3', 'rewatch.summary-bias-filter', config),
    ],
    [edge('src', 'mcq', 'f2', 'qa'), edge('f2', 'kept', 'f3', 'qa'), edge('src', 'summaries', 'f3', 'summaries')],
  );
}

const multipleChoicePrompts = (t: QaEngine) => t.server.requests.filter((r) => r.model.startsWith('probe-')).map(promptOf).filter((p) => p.includes('\nOptions:\n'));

describe('bias filters on multiple-choice questions', () => {
  let t: QaEngine;
  beforeEach(async () => {
    t = await openQaEngine(respond);
  });
  afterEach(() => t.close());

  it('drop a question the probes answer from its options alone, though its open form passes, and record both verdicts', async () => {
    const run = await t.run(multipleChoiceGraph());
    expect(run.status).toBe('done');
    // SIGN's open form stumps both probes, its options do not; GUEST is given away by the summary's options in F3.
    expect(await t.output<MCQ>(run.runId, 'f2', 'kept')).toEqual([EGGS_MC, PAN_MC, GUEST_MC]);
    expect(await t.output<QA>(run.runId, 'f2', 'open')).toEqual([EGGS, PAN, GUEST]);
    expect(await t.output<MCQ>(run.runId, 'f3', 'kept')).toEqual([EGGS_MC, PAN_MC]);
    expect(await t.output<QA>(run.runId, 'f3', 'open')).toEqual([EGGS, PAN]);

    const f2 = byQuestion(await t.output<FilterVerdict>(run.runId, 'f2', 'verdicts'));
    expect(f2[SIGN.question]).toEqual({
      qaId: SIGN.id,
      stage: 'F2',
      kept: false,
      probes: [
        { probe: 'probe-text', answer: 'CLOSED', correct: false, reason: 'A different answer.' },
        { probe: 'probe-vlm', answer: 'I cannot tell', correct: false, reason: 'A different answer.' },
      ],
      accuracy: 0,
      mcProbes: [
        { probe: 'probe-text', answer: 'B', correct: true, reason: 'chose B, the answer is B' },
        { probe: 'probe-vlm', answer: 'The answer is B.', correct: true, reason: 'chose B, the answer is B' },
      ],
      mcAccuracy: 1,
      reason: 'open form: 0/2 probes answered correctly without the video; multiple choice: 2/2 probes chose the correct option without the video',
    });
    expect(f2[EGGS.question]).toMatchObject({ kept: true, accuracy: 0.5, mcAccuracy: 0 });
    expect(f2[EGGS.question]!.mcProbes!.map((p) => p.answer)).toEqual(['C', 'The answer is C.']);

    const f3 = byQuestion(await t.output<FilterVerdict>(run.runId, 'f3', 'verdicts'));
    expect(Object.keys(f3).sort()).toEqual([EGGS, PAN, GUEST].map((q) => q.question).sort());
    expect(f3[GUEST.question]).toMatchObject({
      kept: false,
      accuracy: 1,
      mcAccuracy: 1,
      reason: 'open form: 2/2 probes answered correctly from the summary alone; multiple choice: 2/2 probes chose the correct option from the summary alone',
    });
    expect(f3[PAN.question]).toMatchObject({ kept: true, accuracy: 0.5, mcAccuracy: 0 });

    // The MC probes saw the question with its options as letters, the summary only in F3, never the caption.
    const prompts = multipleChoicePrompts(t);
    expect(prompts).toHaveLength(2 * MCQS.length + 2 * 3);
    expect(prompts.filter((p) => p.includes(KITCHEN_SUMMARY.text))).toHaveLength(2 * 3);
    expect(prompts.find((p) => p.includes(SIGN.question) && !p.includes(KITCHEN_SUMMARY.text))).toContain(
      `Question: ${SIGN.question}\nOptions:\nA. EXIT\nB. OPEN 24 HOURS\nC. STOP\nD. CLOSED`,
    );
    for (const prompt of prompts) {
      for (const event of KITCHEN.events) expect(prompt).not.toContain(event.text);
    }
  });

  it('probe only the open form when probeMultipleChoice is off', async () => {
    const run = await t.run(multipleChoiceGraph({ probeMultipleChoice: false }));
    expect(await t.output<MCQ>(run.runId, 'f2', 'kept')).toEqual(MCQS);
    const f2 = byQuestion(await t.output<FilterVerdict>(run.runId, 'f2', 'verdicts'));
    expect(f2[SIGN.question]).toEqual({
      qaId: SIGN.id,
      stage: 'F2',
      kept: true,
      probes: [
        { probe: 'probe-text', answer: 'CLOSED', correct: false, reason: 'A different answer.' },
        { probe: 'probe-vlm', answer: 'I cannot tell', correct: false, reason: 'A different answer.' },
      ],
      accuracy: 0,
      reason: '0/2 probes answered correctly without the video',
    });
    expect(multipleChoicePrompts(t)).toEqual([]);
  });

  it('carry the input’s type on `kept`: MC questions cannot feed an open-question input, their `open` forms can', async () => {
    const into = (port: 'kept' | 'open') =>
      graph(
        [itemsNode({ captions: [KITCHEN], mcq: MCQS }), node('f2', 'rewatch.text-bias-filter'), node('mc', 'rewatch.mcq')],
        [edge('src', 'mcq', 'f2', 'qa'), edge('f2', port, 'mc', 'qa'), edge('src', 'captions', 'mc', 'captions')],
      );
    expect(await t.engine.validate(into('open'))).toMatchObject({ ok: true });
    expect((await t.engine.validate(into('kept'))).errors).toEqual([
      { nodeId: 'mc', field: 'qa', message: 'input "qa" takes QA, but "f2.kept" gives MCQ' },
    ]);
  });
});

describe('answeredCorrectly', () => {
  it('grades multiple choice by the option the reply chooses, without asking the judge', async () => {
    const server = await startScriptedLlmServer({ respond: () => '{"correct": true, "reason": "judge asked"}' });
    try {
      const llm = testClient(server.baseURL, { name: 'judge-llm' }).gateway();
      const judge = { profile: 'judge-llm', prompt: DEFAULT_JUDGE_PROMPT };
      const item = { question: 'How many eggs?', answer: 'C', options: ['Two', 'Four', 'Three', 'Five'] };
      expect(await answeredCorrectly(llm, judge, item, 'The answer is (C).')).toEqual({ correct: true, reason: 'chose C, the answer is C' });
      expect(await answeredCorrectly(llm, judge, item, '<answer>B</answer>')).toEqual({ correct: false, reason: 'chose B, the answer is C' });
      expect(await answeredCorrectly(llm, judge, item, 'Three')).toEqual({ correct: true, reason: 'chose C, the answer is C' });
      expect(await answeredCorrectly(llm, judge, item, 'I think it is two or three.')).toEqual({
        correct: false,
        reason: 'no option chosen: the reply restates the text of several options (A, C)',
      });
      expect(await answeredCorrectly(llm, judge, item, 'I think the answer is C')).toEqual({ correct: true, reason: 'chose C, the answer is C' });
      expect(server.requests).toHaveLength(0);
      expect(await answeredCorrectly(llm, judge, { question: 'How many eggs?', answer: 'Three' }, '3')).toEqual({
        correct: true,
        reason: 'judge asked',
      });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
