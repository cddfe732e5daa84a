import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { PAPER_ROWS } from '../../../nodes/rewatch/eval/paper-table.ts';
import type { ResultsTable } from '../../../nodes/rewatch/eval/results-types.ts';
import { paperAverage } from '../../../nodes/rewatch/eval/table.ts';
import type { EvaluationReport, EvaluationResult } from '../../../nodes/rewatch/eval/types.ts';
import { DEFAULT_THINKING_INSTRUCTION } from '../../../nodes/rewatch/export/prompts.ts';
import { openEngine, profile, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { benchmarkFiles } from './support.ts';

/**
 * What each checkpoint answers, by the start of the question: ckpt-a is mostly right, ckpt-b mostly wrong. An Error
 * makes the server fail the request; `NO_TAG` is a thinking reply that never gives `<answer>`.
 */
const NO_TAG = Symbol('no answer tag');
type Reply = string | Error | typeof NO_TAG;
const ANSWERS: Record<string, { a: Reply; b: Reply }> = {
  // VCR-Bench
  'How many colour changes happen?': { a: 'B', b: 'A' },
  'When is the screen blue?': { a: '[4, 9]', b: '[0, 3]' },
  "Where is the test pattern's": { a: '[0, 0, 16, 12]', b: '[0, 0, 32, 24]' },
  'What colour follows green?': { a: 'Yellow', b: 'Red' },
  // MINERVA
  'Which colour is on screen longest?': { a: 'B', b: 'A' },
  'Which colour comes second?': { a: 'E', b: 'A' },
  // Video-Holmes
  'Why does the screen turn blue?': { a: 'A', b: 'A' },
  'What is the last colour?': { a: NO_TAG, b: 'A' },
  // VideoMathQA (mcq)
  'How many seconds is the screen red?': { a: 'B', b: 'B' },
  'How many colours appear in total?': { a: 'C', b: 'B' },
  // CG-AV-Counting
  'How many times does the colour change?': { a: '2', b: '2' },
  'How many beeps are heard?': { a: '5', b: '0' },
  'How many different colours are shown?': { a: '3', b: '2' },
  'How many cars pass by?': { a: new Error('out of memory'), b: '29' },
};

type Part = { type: string; text?: string };
const promptOf = (request: ScriptedChatRequest) => ((request.messages.at(-1)!.content as Part[]).at(-1)!.text ?? '');

/** VideoMathQA multi-binary pairs: the option holding the right number, except the pair 4-or-8, answered wrong. */
function pairReply(prompt: string): string {
  const options = [...prompt.matchAll(/^([AB])\) (\d+)$/gm)].map((m) => ({ letter: m[1]!, value: m[2]! }));
  const target = prompt.startsWith('How many seconds') ? '4' : '2';
  if (options.map((o) => o.value).join() === '4,8') return 'B';
  return options.find((o) => o.value === target)!.letter;
}

function judgeReply(text: string): string {
  const reference = /Reference answer: (.*)/.exec(text)![1]!;
  const candidate = /Candidate answer: (.*)/.exec(text)![1]!;
  return JSON.stringify({ correct: candidate.toLowerCase().includes(reference.toLowerCase()), reason: 'scripted' });
}

function respond(request: ScriptedChatRequest): string {
  const content = request.messages.at(-1)!.content;
  if (typeof content === 'string') return judgeReply(content);
  const prompt = promptOf(request);
  const thinking = prompt.includes(DEFAULT_THINKING_INSTRUCTION);
  const isPair = /^A\) \d+\nB\) \d+$/m.test(prompt) && !prompt.includes('C)');
  const question = Object.keys(ANSWERS).find((q) => prompt.startsWith(q))!;
  const answer = isPair ? pairReply(prompt) : ANSWERS[question]![request.body.model === 'ckpt-a' ? 'a' : 'b'];
  if (answer instanceof Error) throw answer;
  if (answer === NO_TAG) return 'It ends on yellow, the fifth option.';
  return thinking ? `Re-watching the end.\n<answer>${answer}</answer>` : answer;
}

const BENCHMARK_NODES = ['vcr-bench', 'minerva', 'video-holmes', 'videomathqa', 'cg-av-counting'] as const;

function graph(files: ReturnType<typeof benchmarkFiles>): GraphFile {
  const evaluateNode = (id: string, model: string, benchmark: string, paths: { file: string; videoDir: string }, modes = ['thinking']) => ({
    id,
    type: 'rewatch.evaluate',
    typeVersion: 2,
    position: { x: 0, y: 0 },
    config: { benchmark, benchmarkPath: paths.file, videoDir: paths.videoDir, provider: model, judge: 'judge-llm', modes, concurrency: 4 },
  });
  const evaluations = (['ckpt-a', 'ckpt-b'] as const).flatMap((model) =>
    BENCHMARK_NODES.map((benchmark) =>
      evaluateNode(`${model}-${benchmark}`, model, benchmark, files[benchmark], model === 'ckpt-a' && benchmark === 'cg-av-counting' ? ['thinking', 'direct'] : ['thinking']),
    ),
  );
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'paper table',
    nodes: [
      ...evaluations,
      evaluateNode('ckpt-a-mbin', 'ckpt-a', 'videomathqa', files['videomathqa-mbin']),
      { id: 'table', type: 'rewatch.results-table', typeVersion: 1, position: { x: 400, y: 0 }, config: { baseline: 'ckpt-b', candidate: 'ckpt-a' } },
    ],
    edges: evaluations.map((node) => ({ id: `e-${node.id}`, from: { node: node.id, port: 'report' }, to: { node: 'table', port: 'reports' } })),
  };
}

describe('the paper’s table through the engine', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let run: Awaited<ReturnType<typeof runToEnd>>;
  const output = async <T>(node: string, port: string) =>
    (await engine.nodeOutput(run.runId, node, port, { limit: 100 })).items.map((i) => i.data as T);

  beforeAll(async () => {
    dir = tempDir();
    const files = benchmarkFiles(dir.path);
    server = await startScriptedLlmServer({ respond });
    const models = ['ckpt-a', 'ckpt-b', 'judge-llm'].map((name) => profile(name, server.baseURL, { model: name, maxRetries: 0 }));
    engine = openEngine(join(dir.path, 'data'), models);
    run = await runToEnd(engine, graph(files));
  }, 120_000);

  afterAll(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('fills a row per checkpoint with each benchmark’s score and the average, the paper’s rows beside them', async () => {
    expect(run.status).toBe('done');
    const [table] = await output<ResultsTable>('table', 'table');
    expect(table!.mode).toBe('thinking');
    expect(table!.columns.map((c) => c.title)).toEqual(['VCR-Bench', 'MINERVA', 'Video Holmes', 'VideoMathQA', 'CG-AV-Counting']);
    const scores = (values: number[]) => Object.fromEntries(BENCHMARK_NODES.map((b, i) => [b, values[i]]));
    expect(table!.rows.slice(0, 2)).toEqual([
      { model: 'ckpt-a', source: 'evaluated', scores: scores([75, 100, 50, 50, 50]), average: 65 },
      { model: 'ckpt-b', source: 'evaluated', scores: scores([25, 0, 50, 100, 50]), average: 45 },
    ]);
    expect(table!.rows.slice(2).map((r) => [r.model, r.source, r.average])).toEqual(PAPER_ROWS.map((r) => [r.model, 'paper', r.average]));
    expect(table!.comparison).toEqual({ baseline: 'ckpt-b', candidate: 'ckpt-a', deltas: scores([50, 100, 0, -50, 0]), average: 20 });
  });

  it('says what the video-only models were scored on, and what was counted wrong or rejected', async () => {
    const [table] = await output<ResultsTable>('table', 'table');
    expect(table!.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^VideoMathQA is made for vision, speech and text/),
        expect.stringMatching(/^CG-AV-Counting has audio \(A\)/),
        'ckpt-a on Video Holmes: 1 unparsable and 0 failed replies counted wrong',
        'ckpt-a on CG-AV-Counting: 0 unparsable and 1 failed replies counted wrong',
        'ckpt-a on VCR-Bench: 2 records rejected (not asked)',
        'ckpt-b on MINERVA: 1 records rejected (not asked)',
      ]),
    );
  });

  it('scores VCR-Bench intervals and boxes by overlap and its text answers by the judge', async () => {
    const results = await output<EvaluationResult>('ckpt-a-vcr-bench', 'results');
    expect(results.map((r) => [r.questionId, r.correct, r.asks[0]!.predicted, r.asks[0]!.detail ?? null])).toEqual([
      ['0', true, 'B', null],
      ['1', true, '[4, 9]', 'tIoU 1.000 (> 0.7 counts)'],
      ['2', false, '[0, 0, 16, 12]', 'IoU 0.250 (> 0.5 counts)'],
      ['3', true, 'Yellow', 'judge: scripted'],
    ]);
    const judged = server.requests.filter((r) => typeof r.messages.at(-1)!.content === 'string');
    expect(judged.map((r) => r.body.model)).toEqual(['judge-llm', 'judge-llm']);
  });

  it('reports CG-AV-Counting’s exact and off-by-one accuracy and MAE, the failed request counted as a zero', async () => {
    const [report] = await output<EvaluationReport>('ckpt-a-cg-av-counting', 'report');
    expect(report!.audio).toMatch(/must guess what only the sound tells/);
    for (const mode of ['thinking', 'direct'] as const) {
      expect(report!.modes[mode]).toMatchObject({
        accuracy: 50,
        total: 4,
        correct: 2,
        errors: 1,
        offByOne: 75,
        mae: 7.75,
        byCategory: { A: { accuracy: 100, total: 1 }, AV: { accuracy: 0, total: 1 }, V: { accuracy: 50, total: 2 } },
        unscored: [{ questionId: '6', status: 'error' }],
      });
    }
    const direct = server.requests.filter((r) => r.body.model === 'ckpt-a' && promptOf(r).startsWith('How many beeps') && !promptOf(r).includes(DEFAULT_THINKING_INSTRUCTION));
    expect(direct.map(promptOf)).toEqual(['How many beeps are heard?\nAnswer with a number only.']);
  });

  it('scores VideoMathQA’s multi-binary form as all pairs right', async () => {
    const results = await output<EvaluationResult>('ckpt-a-mbin', 'results');
    expect(results.map((r) => [r.questionId, r.correct, r.asks.map((a) => `${a.predicted}/${a.answer}`)])).toEqual([
      ['12', false, ['A/A', 'B/B', 'B/A']],
      ['13', true, ['A/A', 'B/B']],
    ]);
    const [report] = await output<EvaluationReport>('ckpt-a-mbin', 'report');
    expect(report!.modes.thinking).toMatchObject({ accuracy: 50, total: 2, correct: 1 });
  });
});

describe('the table’s average', () => {
  it('reproduces the paper’s Avg column from its five scores', () => {
    for (const row of PAPER_ROWS) expect(paperAverage(row.scores)).toBeCloseTo(row.average, 2);
    expect(paperAverage({ 'vcr-bench': 40, minerva: 30 })).toBeNull();
  });
});
