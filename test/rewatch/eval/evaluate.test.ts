import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { graphFileText } from '../../../main/graph/canonical.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { parseGraph } from '../../../main/graph/parse.ts';
import { DEFAULT_THINKING_INSTRUCTION } from '../../../nodes/rewatch/export/prompts.ts';
import { evaluate } from '../../../nodes/rewatch/eval/evaluate.ts';
import type { EvaluationReport, EvaluationResult } from '../../../nodes/rewatch/eval/types.ts';
import { catalog, openEngine, profile, runToEnd, tempDir, writeJsonl } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { otherShortVideo, randomBytesVideo, shortVideo } from '../../support/videos.ts';

/** Replies by question and mode: right, wrong, a thinking reply with no `<answer>` tag, and a failing request. */
const SCRIPT: Record<string, { direct: string | Error; thinking: string }> = {
  'How many cars?': { direct: 'B', thinking: 'A red screen first, then blue.\n<answer>B</answer>' },
  'What colour opens?': { direct: 'C.', thinking: 'A red screen opens the video, so the first option.' },
  'What comes last?': { direct: '(C)', thinking: '<action>re-watch 00:03</action><observation>yellow</observation><answer>(D)</answer>' },
  'What comes first?': { direct: new Error('model crashed'), thinking: 'Clearly green.\n<answer>D</answer>' },
};

type Part = { type: string; text?: string; image_url?: { url: string } };
const partsOf = (request: ScriptedChatRequest) => request.messages.at(-1)!.content as Part[];
const promptOf = (request: ScriptedChatRequest) => partsOf(request).at(-1)!.text!;

function reply(request: ScriptedChatRequest): string {
  const prompt = promptOf(request);
  const question = Object.keys(SCRIPT).find((q) => prompt.startsWith(q))!;
  const answer = SCRIPT[question]![prompt.includes(DEFAULT_THINKING_INSTRUCTION) ? 'thinking' : 'direct'];
  if (answer instanceof Error) throw answer;
  return answer;
}

function graph(benchmarkPath: string): GraphFile {
  const config = { benchmark: 'jsonl', benchmarkPath, model: 'checkpoint-a', concurrency: 4 };
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'evaluate',
    nodes: [{ id: 'eval', type: 'rewatch.evaluate', typeVersion: 2, position: { x: 0, y: 0 }, config }],
    edges: [],
  };
}

describe('rewatch.evaluate on the app’s JSON Lines', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let run: Awaited<ReturnType<typeof runToEnd>>;

  beforeAll(async () => {
    dir = tempDir();
    const videos = join(dir.path, 'videos');
    mkdirSync(videos);
    const short = shortVideo(videos);
    otherShortVideo(videos);
    randomBytesVideo(videos);
    const options = ['A. red', 'B. two', 'C. blue', 'D. green'];
    const benchmark = writeJsonl(join(dir.path, 'bench.jsonl'), [
      { id: 'q1', question: 'How many cars?', options, answer: 'B', video: short, type: 'counting' },
      { id: 'q2', question: 'What colour opens?', options, answer: 'A', video: short, type: 'counting' },
      { id: 'q3', question: 'What comes last?', options, answer: 'C', video: 'videos/other.mp4', type: 'temporal' },
      { id: 'q4', question: 'What comes first?', options, answer: 'D', video: 'videos/other.mp4', type: 'temporal' },
      { id: 'q5', question: 'Where is it?', options, answer: 'B', video: 'videos/missing.mp4', type: 'temporal' },
      { id: 'q6', question: 'What is shown?', options, answer: 'A', video: 'videos/noise.mp4', type: 'noise' },
    ]);
    server = await startScriptedLlmServer({ respond: reply });
    engine = openEngine(join(dir.path, 'data'), [profile('eval-vlm', server.baseURL, { maxRetries: 1 })]);
    run = await runToEnd(engine, graph(benchmark));
  });

  afterAll(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('finishes despite a failing request and records every question × mode', async () => {
    expect(run.status).toBe('done');
    const { items } = await engine.nodeOutput(run.runId, 'eval', 'results', { limit: 100 });
    const rows = Object.fromEntries(items.map(({ data }) => data as EvaluationResult).map((r) => [`${r.questionId}/${r.mode}`, r]));
    expect(Object.keys(rows).sort()).toEqual(['q1', 'q2', 'q3', 'q4', 'q6'].flatMap((q) => [`${q}/direct`, `${q}/thinking`]));
    const ask = (key: string) => rows[key]!.asks[0]!;
    expect(rows['q1/thinking']).toMatchObject({ index: 0, category: 'counting', correct: true, status: 'scored' });
    expect(ask('q1/thinking')).toMatchObject({ answer: 'B', predicted: 'B', correct: true });
    expect(ask('q1/thinking').reply).toContain('<answer>B</answer>');
    // A thinking reply without `<answer>` names no letter, even though it starts with one.
    expect(rows['q2/thinking']).toMatchObject({ correct: false, status: 'unparsed' });
    expect(ask('q2/thinking')).toMatchObject({ predicted: null, reply: SCRIPT['What colour opens?']!.thinking });
    expect(ask('q2/direct')).toMatchObject({ predicted: 'C', correct: false });
    expect(ask('q3/direct')).toMatchObject({ predicted: 'C', correct: true });
    expect(ask('q3/thinking')).toMatchObject({ predicted: 'D', correct: false });
    expect(rows['q4/direct']).toMatchObject({ correct: false, status: 'error' });
    expect(ask('q4/direct')).toMatchObject({ predicted: null, reply: null });
    expect(ask('q4/direct').error).toMatch(/model crashed/);
    // A video ffmpeg cannot read is an error for its question, never the end of the run.
    expect(rows['q6/thinking']).toMatchObject({ correct: false, status: 'error' });
    expect(ask('q6/thinking')).toMatchObject({ predicted: null, reply: null, error: expect.stringMatching(/noise\.mp4|Invalid data/) });
  });

  it('counts the failed and the unparsable replies wrong, lists them, and rejects the record whose video is missing', async () => {
    const { items } = await engine.nodeOutput(run.runId, 'eval', 'report', {});
    expect(items).toHaveLength(1);
    const report = items[0]!.data as EvaluationReport;
    const tally = (accuracy: number, total: number, correct: number, unparsed: number, errors: number) => ({ accuracy, total, correct, unparsed, errors });
    expect(report).toMatchObject({ benchmark: 'jsonl', model: 'checkpoint-a', questions: 5 });
    expect(report.frames).toEqual({ fps: 2, minFrames: 4, maxFrames: 192, maxPixels: 100352 });
    expect(report.modes).toEqual({
      thinking: {
        ...tally(40, 5, 2, 1, 1),
        byCategory: { counting: tally(50, 2, 1, 1, 0), noise: tally(0, 1, 0, 0, 1), temporal: tally(50, 2, 1, 0, 0) },
        unscored: [
          { questionId: 'q2', status: 'unparsed' },
          { questionId: 'q6', status: 'error' },
        ],
      },
      direct: {
        ...tally(40, 5, 2, 0, 2),
        byCategory: { counting: tally(50, 2, 1, 0, 0), noise: tally(0, 1, 0, 0, 1), temporal: tally(50, 2, 1, 0, 1) },
        unscored: [
          { questionId: 'q4', status: 'error' },
          { questionId: 'q6', status: 'error' },
        ],
      },
    });
    expect(report.rejected).toEqual([
      { file: join(dir.path, 'bench.jsonl'), record: 'line 5', field: 'video', message: `video not found: ${join(dir.path, 'videos/missing.mp4')}` },
    ]);
    const rejected = await engine.nodeOutput(run.runId, 'eval', 'rejected', {});
    expect(rejected.items.map((i) => i.data)).toEqual(report.rejected);
  });

  it('sends frames at 2 fps with their times before the question', () => {
    // 8 question × mode pairs, the failing one asked twice (one retry).
    expect(server.requests).toHaveLength(9);
    const framesByVideo = new Map<number, string[]>();
    for (const request of server.requests) {
      const parts = partsOf(request);
      const images = parts.filter((p) => p.type === 'image_url');
      expect(images.every((p) => p.image_url!.url.startsWith('data:image/jpeg;base64,/9j/'))).toBe(true);
      expect(parts).toHaveLength(images.length * 2 + 1);
      const labels = parts.filter((p, i) => i % 2 === 0 && i < parts.length - 1).map((p) => p.text!);
      expect(labels.every((l) => /^\[\d\d:\d\d\]$/.test(l))).toBe(true);
      framesByVideo.set(images.length, labels);
      expect(promptOf(request)).toMatch(/\nOptions:\nA\. red\nB\. two\nC\. blue\nD\. green\n/);
    }
    // The 12 s video gets 24 frames (the last at 11.5 s), the 6 s one 12 (the last at 5.5 s).
    expect([...framesByVideo.keys()].sort((a, b) => a - b)).toEqual([12, 24]);
    expect(framesByVideo.get(24)!.slice(0, 3)).toEqual(['[00:00]', '[00:00]', '[00:01]']);
    expect(framesByVideo.get(24)!.at(-1)).toBe('[00:11]');
    expect(framesByVideo.get(12)!.at(-1)).toBe('[00:05]');
  });
});

describe('rewatch.evaluate v1 graphs', () => {
  it('migrate to v2 keeping the JSON Lines file and the frame count as the cap', () => {
    const v1 = graphFileText({
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'old',
      nodes: [
        {
          id: 'eval',
          type: 'rewatch.evaluate',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          config: { benchmarkPath: 'bench.jsonl', frames: 16, frameWidth: 448, concurrency: 4 },
        },
      ],
      edges: [],
    });
    const { graph, notices } = parseGraph(v1, 'old.rewatch.json', catalog.lookup);
    const node = graph.nodes[0]!;
    expect(node).toMatchObject({ typeVersion: 2, config: { benchmarkPath: 'bench.jsonl', benchmark: 'jsonl', maxFrames: 16, concurrency: 4 } });
    expect(node.config).not.toHaveProperty('frames');
    expect(node.config).not.toHaveProperty('frameWidth');
    expect(evaluate.config.safeParse(node.config).success).toBe(true);
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'migrated', nodeId: 'eval' }));
  });
});
