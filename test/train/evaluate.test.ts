import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { DEFAULT_THINKING_INSTRUCTION } from '../../nodes/rewatch/export/prompts.ts';
import { evaluate } from '../../nodes/rewatch/train/evaluate.ts';
import type { EvaluationResult } from '../../nodes/rewatch/train/evaluation-report.ts';
import { profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { otherShortVideo, shortVideo } from '../support/videos.ts';

const catalog = new NodeCatalog([...nodeDefinitions.filter((d) => d.type !== evaluate.type), evaluate]);

/** Replies by question and mode: right, wrong, a thinking reply with no `<answer>` tag, and a failing request. */
const SCRIPT: Record<string, { direct: string | Error; thinking: string }> = {
  'How many cars?': { direct: 'I think the answer is B.', thinking: 'A red screen first, then blue.\n<answer>B</answer>' },
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
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'evaluate',
    nodes: [{ id: 'eval', type: 'rewatch.evaluate', typeVersion: 1, position: { x: 0, y: 0 }, config: { benchmarkPath, concurrency: 4, seed: 5 } }],
    edges: [],
  };
}

describe('rewatch.evaluate', () => {
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
    const options = ['A. red', 'B. two', 'C. blue', 'D. green'];
    const benchmark = writeJsonl(join(dir.path, 'bench.jsonl'), [
      { id: 'q1', question: 'How many cars?', options, answer: 'B', video: short, type: 'counting' },
      { id: 'q2', question: 'What colour opens?', options, answer: 'A', video: short, type: 'counting' },
      { id: 'q3', question: 'What comes last?', options, answer: 'C', video: 'videos/other.mp4', type: 'temporal' },
      { id: 'q4', question: 'What comes first?', options, answer: 'D', video: 'videos/other.mp4', type: 'temporal' },
    ]);
    server = await startScriptedLlmServer({ respond: reply });
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      catalog,
      providers: [profile('eval-vlm', server.baseURL, { maxRetries: 1 })],
      llmBackoff: { baseMs: 5, capMs: 50 },
    });
    run = await runToEnd(engine, graph(benchmark));
  }, 60_000);

  afterAll(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('finishes despite a failing request and records every question × mode', async () => {
    expect(run.status).toBe('done');
    const { items } = await engine.nodeOutput(run.runId, 'eval', 'results', { limit: 100 });
    const rows = Object.fromEntries(items.map(({ data }) => data as EvaluationResult).map((r) => [`${r.questionId}/${r.mode}`, r]));
    expect(Object.keys(rows).sort()).toEqual(['q1', 'q2', 'q3', 'q4'].flatMap((q) => [`${q}/direct`, `${q}/thinking`]));
    expect(rows['q1/thinking']).toMatchObject({ index: 0, type: 'counting', predicted: 'B', correct: true, answer: 'B' });
    expect(rows['q1/thinking']!.reply).toContain('<answer>B</answer>');
    expect(rows['q1/direct']).toMatchObject({ predicted: 'B', correct: true });
    // A thinking reply without `<answer>` names no letter, even though it starts with one.
    expect(rows['q2/thinking']).toMatchObject({ predicted: null, correct: false, unparsed: 'the reply has no <answer> tag' });
    expect(rows['q2/thinking']!.error).toBeUndefined();
    expect(rows['q2/direct']).toMatchObject({ predicted: 'C', correct: false });
    expect(rows['q3/direct']).toMatchObject({ predicted: 'C', correct: true });
    expect(rows['q3/thinking']).toMatchObject({ predicted: 'D', correct: false });
    expect(rows['q4/direct']).toMatchObject({ predicted: null, correct: false, reply: null });
    expect(rows['q4/direct']!.error).toMatch(/q4 \(direct\).*model crashed/);
  });

  it('fails naming the line of a benchmark answer that is not one of its options', async () => {
    const path = writeJsonl(join(dir.path, 'bad.jsonl'), [
      { question: 'How many cars?', options: ['one', 'two'], answer: 'C', video: 'videos/short.mp4' },
    ]);
    const failed = await runToEnd(engine, graph(path));
    expect(failed.status).toBe('failed');
    expect(failed.nodes.find((n) => n.nodeId === 'eval')!.error).toContain(`${path}:1: answer "C" names no option: the reply answers C, which is not an option (A–B)`);
  });

  it('reports accuracy per mode and per type as computed by hand', async () => {
    const { items } = await engine.nodeOutput(run.runId, 'eval', 'report', {});
    expect(items).toHaveLength(1);
    const tally = (accuracy: number, total: number, answered: number, correct: number, unparsed: number, errors: number) =>
      ({ accuracy, total, answered, correct, unparsed, errors });
    expect(items[0]!.data).toEqual({
      questions: 4,
      modes: {
        thinking: {
          ...tally(50, 4, 4, 2, 1, 0),
          byType: { counting: tally(50, 2, 2, 1, 1, 0), temporal: tally(50, 2, 2, 1, 0, 0) },
        },
        direct: {
          ...tally(66.67, 4, 3, 2, 0, 1),
          byType: { counting: tally(50, 2, 2, 1, 0, 0), temporal: tally(100, 2, 1, 1, 0, 1) },
        },
      },
    });
  });

  it('sends 16 timestamped frames spread over each video before the question, with the seed', () => {
    // 8 question × mode pairs, the failing one asked twice (one retry).
    expect(server.requests).toHaveLength(9);
    for (const request of server.requests) {
      expect(request.body.seed).toBe(5);
      const parts = partsOf(request);
      expect(parts).toHaveLength(33);
      const images = parts.filter((p) => p.type === 'image_url');
      expect(images).toHaveLength(16);
      expect(images.every((p) => p.image_url!.url.startsWith('data:image/jpeg;base64,/9j/'))).toBe(true);
      const labels = parts.filter((p, i) => i % 2 === 0 && i < 32).map((p) => p.text);
      expect(labels.every((l) => /^\[\d\d:\d\d\]$/.test(l!))).toBe(true);
      expect(labels[0]).toBe('[00:00]');
      // The last of 16 frames: 15/16 of the 12 s or the 6 s video.
      expect(['[00:11]', '[00:05]']).toContain(labels[15]);
      expect(promptOf(request)).toMatch(/\nOptions:\nA\. red\nB\. two\nC\. blue\nD\. green\n/);
    }
    const lastLabels = new Set(server.requests.map((r) => partsOf(r)[30]!.text));
    expect(lastLabels).toEqual(new Set(['[00:11]', '[00:05]']));
  });
});
