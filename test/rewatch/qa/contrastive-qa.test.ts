import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replyJsonSchema } from '../../../main/llm/response-format.ts';
import { stableId } from '../../../nodes/rewatch/ids.ts';
import { generatedQuestionsSchema } from '../../../nodes/rewatch/qa/contrastive-qa.ts';
import { QUESTION_TYPES, type QA, type Summary } from '../../../nodes/rewatch/types.ts';
import type { ScriptedChatRequest } from '../../support/scripted-llm-server.ts';
import { caption, edge, graph, itemsNode, KITCHEN, KITCHEN_SUMMARY, node, openQaEngine, promptOf, type QaEngine } from './fixture.ts';

const GARDEN = caption('garden', [[0, 60, 'A woman waters six tomato plants.']], 60);
const STREET = caption('street', [[0, 30, 'Two cyclists pass a red mailbox.']], 30);
/** The summarizer gives nothing but its thinking for this one, so it has no summary downstream. */
const FOG = caption('fog', [[0, 20, 'Grey fog; nothing moves.']], 20);

const KITCHEN_QUESTIONS = [
  { question: 'How many eggs does the man put on the counter?', answer: 'Three', type: 'counting', evidence: '00:00-00:40' },
  { question: 'What does the sign on the wall say?', answer: 'OPEN 24 HOURS', type: 'OCR', evidence: '01:30-02:45' },
  { question: 'Where is the pan relative to the stove?', answer: 'To the left of it', type: 'spatial', evidence: '02:45-04:10' },
  { question: 'What colour does the omelette turn?', answer: 'Golden', type: 'state change', evidence: '02:45-04:10' },
  { question: 'When does a piece of shell fall into the bowl?', answer: '00:40-01:30', type: 'event localization', evidence: '00:40-01:30' },
  { question: 'What does the man do right after entering?', answer: 'He puts eggs on the counter', type: 'temporal localization', evidence: '00:00-00:40' },
  { question: 'What colour is the bowl?', answer: 'Blue', type: 'object recognition', evidence: '00:40-01:30' },
  { question: 'Why does the man reach into the bowl?', answer: 'To pick out a piece of shell', type: 'causal', evidence: '00:40-01:30' },
  // Outside the 05:00 video, and a timestamp that is no time: both dropped with a warning.
  { question: 'What would the woman eat if the eggs broke?', answer: 'Toast', type: 'counterfactual', evidence: '06:10-06:40' },
  { question: 'How many seconds does he whisk?', answer: '75', type: 'numerical', evidence: '01:75-02:10' },
];

/** Answers as the models would: the summarizer summarizes, the QA model writes questions (or fails to). */
function respond(request: ScriptedChatRequest): string {
  const prompt = promptOf(request);
  if (request.model === 'summary-llm') {
    if (prompt.includes(KITCHEN.text)) return KITCHEN_SUMMARY.text;
    if (prompt.includes(FOG.text)) return '<think>There is nothing to summarize.</think>';
    return 'Someone does something outdoors.';
  }
  if (request.model === 'qa-llm') {
    if (prompt.includes(KITCHEN.text)) return '```json\n' + JSON.stringify({ questions: KITCHEN_QUESTIONS }) + '\n```';
    if (prompt.includes(GARDEN.text)) return 'Sorry, I cannot write questions about this video.';
    if (prompt.includes(STREET.text)) return JSON.stringify({ questions: [{ q: 'How many cyclists?', a: 'Two' }] });
  }
  throw new Error(`unexpected request to ${request.model}`);
}

function qaGraph(qaConfig: Record<string, unknown> = {}, captions = [KITCHEN, GARDEN, STREET, FOG]) {
  return graph(
    [
      itemsNode({ captions }),
      node('sum', 'rewatch.summarizer', { maxErrorRatio: 1 }),
      node('qa', 'rewatch.contrastive-qa', { maxErrorRatio: 1, ...qaConfig }),
    ],
    [edge('src', 'captions', 'sum', 'captions'), edge('src', 'captions', 'qa', 'captions'), edge('sum', 'summaries', 'qa', 'summaries')],
  );
}

describe('summarizer and contrastive QA', () => {
  let t: QaEngine;
  beforeEach(async () => {
    t = await openQaEngine(respond);
  });
  afterEach(() => t.close());

  it('summarizes each caption, and an empty summary is an item error keeping the raw reply', async () => {
    const run = await t.run(qaGraph());
    expect(run.nodes.find((n) => n.nodeId === 'sum')).toMatchObject({ state: 'done', itemsFailed: 1, outputCounts: { summaries: 3 } });
    const summaries = await t.output<Summary>(run.runId, 'sum', 'summaries');
    expect(summaries[0]).toEqual(KITCHEN_SUMMARY);
    expect(summaries.map((s) => s.id)).toEqual([KITCHEN, GARDEN, STREET].map((c) => stableId(c.id)));
    expect(await t.errors(run.runId, 'sum')).toEqual([
      expect.objectContaining({ seq: 3, message: expect.stringContaining('summary of caption fog is empty'), raw: '<think>There is nothing to summarize.</think>' }),
    ]);
    expect(promptOf(t.requestsTo('summary-llm')[0]!)).toContain('(05:00 long)');
  });

  it('asks for questions the detail answers and the summary does not, and reads them with evidence in seconds', async () => {
    const run = await t.run(qaGraph());
    const qaRequests = t.requestsTo('qa-llm').filter((r) => promptOf(r).includes(KITCHEN.text));
    expect(qaRequests).toHaveLength(1);
    const prompt = promptOf(qaRequests[0]!);
    expect(prompt).toContain(KITCHEN_SUMMARY.text);
    expect(prompt).toContain('Write 8 questions');
    for (const type of QUESTION_TYPES) expect(prompt).toContain(`- ${type}\n`);
    // The reply's shape goes to the server as a structured-output schema, with the question types as an enum.
    const format = qaRequests[0]!.body.response_format as { type: string; json_schema: { schema: Record<string, unknown> } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.schema).toEqual(replyJsonSchema(generatedQuestionsSchema));
    expect(format.json_schema.schema).toMatchObject({
      properties: { questions: { minItems: 1, items: { properties: { type: { enum: [...QUESTION_TYPES] } }, required: ['question', 'answer', 'type', 'evidence'] } } },
    });

    const questions = await t.output<QA>(run.runId, 'qa', 'qa');
    expect(questions).toHaveLength(8);
    expect(questions[1]).toEqual({
      id: stableId(KITCHEN.videoId, 'What does the sign on the wall say?'),
      videoId: KITCHEN.videoId,
      videoPath: KITCHEN.videoPath,
      captionId: KITCHEN.id,
      question: 'What does the sign on the wall say?',
      answer: 'OPEN 24 HOURS',
      type: 'OCR',
      evidence: { start: 90, end: 165 },
    });
    expect(questions.map((q) => q.evidence)).toEqual([
      { start: 0, end: 40 },
      { start: 90, end: 165 },
      { start: 165, end: 250 },
      { start: 165, end: 250 },
      { start: 40, end: 90 },
      { start: 0, end: 40 },
      { start: 40, end: 90 },
      { start: 40, end: 90 },
    ]);
    expect(new Set(questions.map((q) => q.type)).size).toBe(8);

    const warnings = t.logs.filter((l) => l.nodeId === 'qa' && l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/would the woman eat.*"06:10-06:40" lies outside the video \(05:00 long\)/),
        expect.stringMatching(/whisk.*"01:75-02:10" is not a valid MM:SS-MM:SS span/),
      ]),
    );
    expect(warnings).toHaveLength(2);
  });

  it('turns a reply without JSON or with the wrong shape into an item error holding the raw text', async () => {
    const run = await t.run(qaGraph());
    expect(run.nodes.find((n) => n.nodeId === 'qa')).toMatchObject({ state: 'done', itemsFailed: 3 });
    const errors = await t.errors(run.runId, 'qa');
    expect(errors).toEqual([
      { seq: 1, message: expect.stringContaining('does not match the JSON schema'), raw: 'Sorry, I cannot write questions about this video.' },
      { seq: 2, message: expect.stringContaining('/questions/0/question: Invalid input'), raw: '{"questions":[{"q":"How many cyclists?","a":"Two"}]}' },
      { seq: 3, message: 'no summary with captionId "fog" in the side input', raw: null },
    ]);
    // One repair request each for the two malformed replies, none for the caption without a summary.
    expect(t.requestsTo('qa-llm').filter((r) => promptOf(r).includes(GARDEN.text))).toHaveLength(2);
    expect(t.requestsTo('qa-llm').filter((r) => promptOf(r).includes(FOG.text))).toHaveLength(0);
  });

  it('asks only for the configured types and drops questions of other types with a warning', async () => {
    const run = await t.run(qaGraph({ types: ['counting', 'OCR', 'spatial'], count: 3 }, [KITCHEN]));
    const prompt = promptOf(t.requestsTo('qa-llm')[0]!);
    expect(prompt).toContain('Write 3 questions');
    expect(prompt).toContain('- counting\n- OCR\n- spatial\n');
    expect(prompt).not.toContain('- causal');
    const questions = await t.output<QA>(run.runId, 'qa', 'qa');
    expect(questions.map((q) => q.type)).toEqual(['counting', 'OCR', 'spatial']);
    const warnings = t.logs.filter((l) => l.nodeId === 'qa' && l.level === 'warn').map((l) => l.message);
    expect(warnings).toContainEqual(expect.stringContaining('its type "causal" was not asked for'));
    expect(warnings).toHaveLength(7);
  });
});

describe('contrastive QA with structured outputs off', () => {
  const PROSE = 'Here are the questions.\n```json\n' + JSON.stringify({ questions: KITCHEN_QUESTIONS.slice(0, 2) }) + '\n```\nEach relies on a detail.';
  let t: QaEngine;
  beforeEach(async () => {
    t = await openQaEngine((request) => (request.model === 'summary-llm' ? KITCHEN_SUMMARY.text : PROSE), { structuredOutputs: false });
  });
  afterEach(() => t.close());

  it('sends no response_format and reads the questions from a fenced block in prose', async () => {
    const run = await t.run(qaGraph({}, [KITCHEN]));
    expect(run.nodes.find((n) => n.nodeId === 'qa')).toMatchObject({ state: 'done', itemsFailed: 0, outputCounts: { qa: 2 } });
    expect((await t.output<QA>(run.runId, 'qa', 'qa')).map((q) => [q.question, q.answer, q.type, q.evidence])).toEqual([
      [KITCHEN_QUESTIONS[0]!.question, 'Three', 'counting', { start: 0, end: 40 }],
      [KITCHEN_QUESTIONS[1]!.question, 'OPEN 24 HOURS', 'OCR', { start: 90, end: 165 }],
    ]);
    const requests = t.requestsTo('qa-llm');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).not.toHaveProperty('response_format');
  });
});
