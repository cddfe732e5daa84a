/**
 * The shipped templates end to end: `rewatch new --template rewatch-r1` writes the paper's pipeline, which runs through
 * the real engine, real ffmpeg and the real LLM client against one scripted model behind every provider profile.
 * Each stage's output is checked against what the videos hold and what the model said; then the graph runs again and
 * must be served from the caches without a single model request.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../main/api/contract.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import { graphFileText } from '../../../main/graph/canonical.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { loadTemplate } from '../../../main/graph/templates.ts';
import { decodeGroundTruth } from '../../../nodes/rewatch/export/ground-truth.ts';
import { DEFAULT_CAPTION_INSTRUCTION, DEFAULT_DIRECT_INSTRUCTION, DEFAULT_THINKING_INSTRUCTION } from '../../../nodes/rewatch/export/prompts.ts';
import { formatAction } from '../../../nodes/rewatch/reasoning/actions.ts';
import { parseTaggedResponse } from '../../../nodes/rewatch/reasoning/cot-tags.ts';
import { formatTimestamp, parseTimestamp } from '../../../nodes/rewatch/timecode.ts';
import {
  QUESTION_TYPES,
  type CoT,
  type Dataset,
  type DenseCaption,
  type FilterVerdict,
  type MCQ,
  type QA,
  type RewardBreakdown,
  type Segment,
  type Summary,
  type Trajectory,
  type Video,
} from '../../../nodes/rewatch/types.ts';
import { catalog, openEngine, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { changeTimes, createScriptedModel, roleProfiles, seenFrames, userParts, type ScriptedModel } from '../../support/scripted-model.ts';
import { LONG_DURATION, LONG_SCENES, longVideo, randomBytesVideo, sceneCuts, shortVideo } from '../../support/videos.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The graph file with its inputs and outputs moved into `dir`. */
function pointedAt(graph: GraphFile, dir: string, outputs: Record<string, Record<string, string>>): GraphFile {
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      n.id === 'videos'
        ? { ...n, config: { ...n.config, folder: join(dir, 'videos') } }
        : outputs[n.id]
          ? { ...n, config: { ...n.config, ...outputs[n.id] } }
          : n,
    ),
  };
}

async function outputOf<T>(engine: Engine, runId: string, nodeId: string, port: string): Promise<T[]> {
  const page = await engine.nodeOutput(runId, nodeId, port, { limit: 1000 });
  expect(page.total).toBeLessThanOrEqual(1000);
  return page.items.map((item) => item.data as T);
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const readJsonLines = <T>(path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const ids = (items: ReadonlyArray<{ id: string }>) => items.map((i) => i.id).sort();
const overlaps = (e: { start: number; end: number }, r: { start: number; end: number }) => e.start < r.end && e.end > r.start;
const mentions = (text: string, phrase: string) => new RegExp(`\\b${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(text);

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
}

let dir: ReturnType<typeof tempDir>;
let shortPath: string;
let longPath: string;
let noisePath: string;
let model: ScriptedModel;
let server: ScriptedLlmServer;

beforeAll(async () => {
  dir = tempDir('rewatch-template-');
  const videos = join(dir.path, 'videos');
  mkdirSync(videos);
  shortPath = shortVideo(videos);
  longPath = longVideo(videos);
  noisePath = randomBytesVideo(videos);
  model = createScriptedModel();
  server = await startScriptedLlmServer({ respond: (request) => model.respond(request) });
});

afterAll(async () => {
  await server?.close();
  dir?.remove();
});

describe('the rewatch-r1 template (the paper’s pipeline)', () => {
  let graph: GraphFile;
  let engine: Engine;
  let run: RunDetail;
  const out = (...parts: string[]) => join(dir.path, 'out', ...parts);
  const output = <T>(nodeId: string, port: string) => outputOf<T>(engine, run.runId, nodeId, port);

  beforeAll(async () => {
    const file = join(dir.path, 'rewatch-r1.rewatch.json');
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/rewatch.mjs', 'new', '--template', 'rewatch-r1', file], {
      cwd: REPO_ROOT,
    });
    expect(stdout).toContain('(18 nodes) from template "rewatch-r1"');
    graph = pointedAt(readJson<GraphFile>(file), dir.path, {
      sft: { outputDir: out('sft') },
      grpo: { outputDir: out('grpo') },
      report: { outputDir: out('report') },
    });
    engine = openEngine(join(dir.path, 'data'), roleProfiles(server.baseURL));
    run = await runToEnd(engine, graph);
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('runs every node to the end, and no request broke what the model expects', () => {
    expect({ status: run.status, error: run.error }).toEqual({ status: 'done', error: null });
    expect(run.nodes).toHaveLength(18);
    for (const node of run.nodes) expect({ node: node.nodeId, state: node.state, failed: node.itemsFailed }).toEqual({ node: node.nodeId, state: 'done', failed: 0 });
    expect(model.violations).toEqual([]);
  });

  it('lists the two videos and rejects the corrupt file with ffprobe’s message', async () => {
    const videos = await output<Video>('videos', 'videos');
    expect(videos.map((v) => [v.path, v.duration])).toEqual([
      [longPath, LONG_DURATION],
      [shortPath, 12],
    ]);
    const ffprobe = spawnSync('ffprobe', ['-v', 'error', noisePath], { encoding: 'utf8' });
    const ffprobeSays = ffprobe.stderr.trim().split('\n').at(-1)!;
    expect(ffprobeSays).toContain('Invalid data found when processing input');
    const rejected = await output<{ path: string; error: string }>('videos', 'rejected');
    expect(rejected).toEqual([{ path: noisePath, error: expect.stringContaining(ffprobeSays) }]);
  });

  it('passes the short video whole and splits the 23-minute one into ~10-minute parts at the VLM’s boundary', async () => {
    const segments = await output<Segment>('segment', 'segments');
    const of = (path: string) => segments.filter((s) => s.videoPath === path).sort((a, b) => a.index - b.index);
    expect(of(shortPath).map((s) => [s.start, s.end, s.reason])).toEqual([[0, 12, 'whole']]);

    const long = of(longPath);
    expect(long).toHaveLength(2);
    expect(long[0]!.start).toBe(0);
    expect(long[1]!.start).toBe(long[0]!.end);
    expect(long[1]!.end).toBe(LONG_DURATION);
    for (const s of long) {
      expect(s.reason).toBe('semantic');
      expect(s.end - s.start).toBeGreaterThanOrEqual(300);
      expect(s.end - s.start).toBeLessThanOrEqual(900);
    }
    // The one cut is the picture change the scripted VLM saw nearest the middle: the yellow → maroon cut at 700 s.
    const [request, ...others] = server.requests.filter((r) => r.model === 'segmenter-vlm');
    expect(others).toHaveLength(0);
    const seen = changeTimes(seenFrames(userParts(request!)));
    expect(seen).toHaveLength(7);
    expect(long[0]!.end).toBe(seen.reduce((a, b) => (Math.abs(b - 690) < Math.abs(a - 690) ? b : a)));
    expect(long[0]!.end).toBeGreaterThanOrEqual(700);
    expect(long[0]!.end).toBeLessThan(706);
  });

  it('captions each clip at the full 2 fps, re-aligning clip times to the whole video (t = clip start + τ)', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const short = captions.find((c) => c.videoPath === shortPath)!;
    expect(short.events.map((e) => [e.start, e.end, e.text])).toEqual([
      [0, 3, 'the screen shows plain red'],
      [4, 8, 'the screen shows plain blue'],
      [9, 11, 'a moving test pattern plays'],
    ]);
    expect(short.sampling).toEqual([{ input: 'frames', segment: 0, start: 0, end: 12, configuredFps: 2, capped: false, frames: 24, fps: 2 }]);

    const long = captions.find((c) => c.videoPath === longPath)!;
    const segments = (await output<Segment>('segment', 'segments')).filter((s) => s.videoPath === longPath).sort((a, b) => a.index - b.index);
    // Each ~10-minute segment is more than 256 frames at 2 fps: it is captioned as consecutive sub-clips of at most
    // 256 frames each, every one at the configured rate, covering the segment without gap or overlap.
    const clips = long.sampling!;
    expect(clips.length).toBeGreaterThan(segments.length);
    segments.forEach((segment, index) => {
      const own = clips.filter((c) => c.segment === index);
      expect(own[0]!.start).toBe(segment.start);
      expect(own.at(-1)!.end).toBe(segment.end);
      own.slice(1).forEach((clip, i) => expect(clip.start).toBe(own[i]!.end));
    });
    for (const clip of clips) {
      expect(clip).toMatchObject({ input: 'frames', configuredFps: 2, capped: false });
      if (clip.input !== 'frames') throw new Error('expected frames');
      expect(clip.frames).toBeLessThanOrEqual(256);
      // The full rate, give or take the frames lost to rounding at the clip's two ends.
      expect(Math.abs(clip.frames - 2 * (clip.end - clip.start))).toBeLessThanOrEqual(2);
    }
    // What the model wrote for each sub-clip, shifted by that clip's start, is the caption.
    const relative = (reply: string) =>
      reply.split('\n').map((line) => {
        const [, from, to, text] = /^\[(\d+:\d{2})-(\d+:\d{2})\] (.*)$/.exec(line)!;
        return [parseTimestamp(from!)!, parseTimestamp(to!)!, text!] as const;
      });
    const replies = model.captions.filter((c) => c.parts === clips.length).sort((a, b) => a.part - b.part);
    expect(replies.map((r) => r.part)).toEqual(clips.map((_, i) => i + 1));
    expect(long.events.map((e) => [e.start, e.end, e.text])).toEqual(
      replies.flatMap((r, i) => relative(r.reply).map(([from, to, text]) => [clips[i]!.start + from, clips[i]!.start + to, text])),
    );
    expect(long.events.every((e) => e.flags.length === 0)).toBe(true);
    // Every scene is seen: an event naming its colour starts within a second of the cut (the frame labels the model
    // reads are whole seconds from the clip's start).
    const sceneStarts = [0, ...sceneCuts(LONG_SCENES)];
    LONG_SCENES.forEach((scene, i) => {
      const colour = scene.source.replace('color=c=', '');
      const nearest = Math.min(...long.events.filter((e) => e.text === `the screen shows plain ${colour}`).map((e) => Math.abs(e.start - sceneStarts[i]!)));
      expect(nearest).toBeLessThan(1);
    });
    // The maroon → cyan cut at 880 s: the caption says 14:40.
    const cyan = long.events.findIndex((e) => e.text.endsWith('cyan'));
    expect(long.events[cyan]!.start).toBe(880);
    expect(long.text.split('\n')[cyan]).toMatch(/^\[14:40-\d+:\d{2}\] the screen shows plain cyan$/);
  });

  it('summarizes each caption in a shorter text without timestamps', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const summaries = await output<Summary>('summarize', 'summaries');
    expect(summaries.map((s) => s.captionId).sort()).toEqual(ids(captions));
    for (const summary of summaries) {
      const caption = captions.find((c) => c.id === summary.captionId)!;
      expect(summary.videoId).toBe(caption.videoId);
      expect(summary.text.length).toBeLessThan(caption.text.length);
      expect(summary.text).not.toMatch(/\d+:\d{2}/);
      expect(summary.text).toContain(caption.events[0]!.text.split(' ').at(-1)!);
    }
  });

  it('writes 8 questions per caption, each with a type and an evidence span inside the video', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const qa = await output<QA>('qa', 'qa');
    for (const caption of captions) {
      const own = qa.filter((q) => q.captionId === caption.id);
      expect(own).toHaveLength(8);
      for (const q of own) {
        expect(q).toMatchObject({ videoId: caption.videoId, videoPath: caption.videoPath });
        expect(QUESTION_TYPES).toContain(q.type);
        expect(q.evidence.start).toBeLessThanOrEqual(q.evidence.end);
        expect(q.evidence.end).toBeLessThanOrEqual(caption.duration);
      }
    }
  });

  it('F1 drops exactly the questions whose answer the caption does not hold', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const qa = await output<QA>('qa', 'qa');
    const verdicts = await output<FilterVerdict>('f1', 'verdicts');
    const kept = await output<QA>('f1', 'kept');
    const unsupported = qa.filter((q) => !mentions(captions.find((c) => c.id === q.captionId)!.text, q.answer));
    expect(unsupported.map((q) => q.answer)).toEqual(['OPEN 24 HOURS', 'OPEN 24 HOURS']);
    expect(verdicts.map((v) => v.qaId).sort()).toEqual(ids(qa));
    expect(verdicts.filter((v) => !v.kept).map((v) => v.qaId).sort()).toEqual(ids(unsupported));
    for (const v of verdicts) expect(v).toMatchObject({ stage: 'F1', probes: [], accuracy: v.kept ? 1 : 0, reason: expect.any(String) });
    expect(ids(kept)).toEqual(ids(qa.filter((q) => !unsupported.includes(q))));
  });

  it('F2 and F3 drop exactly the questions both probes answer without the video, and keep the rest', async () => {
    const summaries = await output<Summary>('summarize', 'summaries');
    for (const [stage, input, leak] of [
      ['f2', 'f1', 'question'],
      ['f3', 'f2', 'summary'],
    ] as const) {
      const questions = await output<QA>(input, 'kept');
      const verdicts = await output<FilterVerdict>(stage, 'verdicts');
      const kept = await output<QA>(stage, 'kept');
      const guessable = questions.filter((q) => model.guessable.get(q.question) === leak);
      expect(guessable).toHaveLength(2); // one per video
      // What gives each one away holds its answer.
      for (const q of guessable) {
        const told = leak === 'question' ? q.question : summaries.find((s) => s.captionId === q.captionId)!.text;
        expect(mentions(told, q.answer)).toBe(true);
      }
      expect(verdicts.map((v) => v.qaId).sort()).toEqual(ids(questions));
      for (const verdict of verdicts) {
        const isGuessable = guessable.some((q) => q.id === verdict.qaId);
        expect(verdict).toMatchObject({ stage: stage.toUpperCase(), kept: !isGuessable, accuracy: isGuessable ? 1 : 0 });
        expect(verdict.probes.map((p) => [p.probe, p.correct])).toEqual([
          ['probe-text', isGuessable],
          ['probe-vlm', isGuessable],
        ]);
        expect(verdict.reason).toMatch(new RegExp(`^${isGuessable ? 2 : 0}/2 probes answered correctly`));
      }
      expect(ids(kept)).toEqual(ids(questions.filter((q) => !guessable.includes(q))));
    }
    expect(await output<QA>('f3', 'kept')).toHaveLength(10);
  });

  it('reformulates the kept questions as multiple choice whose letter points at the correct option', async () => {
    const kept = await output<QA>('f3', 'kept');
    const mcqs = await output<MCQ>('mcq', 'mcq');
    expect(mcqs.map((m) => m.qaId).sort()).toEqual(ids(kept));
    expect(ids(await output<QA>('mcq', 'open'))).toEqual(ids(kept));
    for (const mcq of mcqs) {
      const open = kept.find((q) => q.id === mcq.qaId)!;
      expect(mcq.open).toEqual(open);
      expect(mcq.options).toHaveLength(4);
      expect(new Set(mcq.options).size).toBe(4);
      expect(mcq.options[mcq.answer.charCodeAt(0) - 65]).toBe(open.answer);
    }
    // The shuffle moved the correct option around.
    expect(new Set(mcqs.map((m) => m.answer)).size).toBeGreaterThan(1);
  });

  it('reasons over the caption: retrieve, query the segment, answer; observations come from the right caption lines', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const mcqs = await output<MCQ>('mcq', 'mcq');
    const trajectories = await output<Trajectory>('react', 'trajectories');
    expect(await output<Trajectory>('react', 'rejected')).toEqual([]);
    expect(trajectories.map((t) => t.questionId).sort()).toEqual(ids(mcqs));
    expect(server.requests.filter((r) => r.model === 'reasoner-llm')).toHaveLength(3 * mcqs.length);
    for (const t of trajectories) {
      const mcq = mcqs.find((m) => m.id === t.questionId)!;
      const caption = captions.find((c) => c.id === t.captionId)!;
      expect(t).toMatchObject({ correct: true, attempt: 1, finalAnswer: mcq.answer, groundTruth: mcq.answer, options: mcq.options });
      expect(t.steps.map((s) => s.action.name)).toEqual(['segment_retrieval', 'segment_query', 'answer']);
      const [retrieval, query, answer] = t.steps as [Trajectory['steps'][number], Trajectory['steps'][number], Trajectory['steps'][number]];
      // The retrieval found the caption line holding the question's evidence, and the reasoner queried that line.
      const evidenceLine = caption.events.find((e) => e.start === mcq.open.evidence.start)!;
      const range = `${formatTimestamp(evidenceLine.start)}-${formatTimestamp(evidenceLine.end)}`;
      expect(retrieval.observation).toBe(`Matching events: [${range}]`);
      expect(query.action.argument).toBe(range);
      // The observation tells what the caption lines of that range say, and nothing from other lines.
      const [from, to] = range.split('-').map((t) => parseTimestamp(t)!) as [number, number];
      for (const event of caption.events) {
        expect(query.observation.includes(event.text)).toBe(overlaps(event, { start: from, end: to }));
      }
      expect(query.observation).toContain(mcq.open.answer);
      expect(answer.action.argument).toBe(mcq.answer);
    }
  });

  it('converts each trajectory into a CoT that keeps its actions, observations and answer in tags', async () => {
    const trajectories = await output<Trajectory>('react', 'trajectories');
    const cots = await output<CoT>('cot', 'cot');
    expect(cots.map((c) => c.trajectoryId).sort()).toEqual(ids(trajectories));
    for (const cot of cots) {
      const t = trajectories.find((x) => x.id === cot.trajectoryId)!;
      const parsed = parseTaggedResponse(cot.text);
      expect(parsed.problems).toEqual([]);
      const evidence = t.steps.filter((s) => s.action.name !== 'answer');
      expect(parsed.pairs).toEqual(evidence.map((s) => ({ action: formatAction(s.action), observation: s.observation })));
      expect(parsed.answer).toBe(t.finalAnswer);
      expect(cot).toMatchObject({ questionId: t.questionId, captionId: t.captionId, groundTruth: t.groundTruth, options: t.options });
    }
  });

  it('scores each CoT with r = r_acc·(1 + r_obs + r_rea) + r_fmt', async () => {
    const cots = await output<CoT>('cot', 'cot');
    const rewards = await output<RewardBreakdown>('reward', 'rewards');
    expect(rewards.map((r) => r.responseId).sort()).toEqual(ids(cots));
    for (const r of rewards) expect(r.total).toBeCloseTo(r.rAcc * (1 + r.rObs + r.rRea) + r.rFmt, 10);

    // By hand, for the first CoT: well-formed tags (r_fmt = 1); its answer is the ground truth (r_acc = 1); both of its
    // observations are what the caption says (r_obs = (1 + 1) / 2 = 1); the last observation names the correct option,
    // so an answer from the observations alone is right (r_rea = 1). r = 1·(1 + 1 + 1) + 1 = 4.
    const cot = cots[0]!;
    const reward = rewards.find((r) => r.responseId === cot.id)!;
    const parsed = parseTaggedResponse(cot.text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.answer).toBe(cot.groundTruth);
    const correctOption = cot.options![cot.groundTruth.charCodeAt(0) - 65]!;
    expect(parsed.pairs.at(-1)!.observation).toContain(correctOption);
    expect(reward).toMatchObject({ rAcc: 1, rObs: 1, rRea: 1, rFmt: 1, total: 4 });
    expect(reward.notes.accuracy).toBe(`chose ${cot.groundTruth}, ground truth ${cot.groundTruth}`);
    expect(reward.notes.observations.map((o) => [o.action, o.score])).toEqual(parsed.pairs.map((p) => [p.action, 1]));
    expect(reward.notes.format).toBe('well-formed');
  });

  it('writes the SFT set as LLaMA-Factory sharegpt (+ dataset_info.json) and ms-swift JSONL', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const mcqs = await output<MCQ>('mcq', 'mcq');
    const cots = await output<CoT>('cot', 'cot');
    const datasets = await output<Dataset>('sft', 'dataset');
    expect(datasets.map((d) => [d.format, d.rows])).toEqual([
      ['llamafactory', { caption: 2, direct: 20, cot: 10 }],
      ['ms-swift', { caption: 2, direct: 20, cot: 10 }],
    ]);
    type Row = { messages: Array<{ role: string; content: string }>; videos: string[] };
    const llamaFactory = readJson<Row[]>(out('sft', 'rewatch_sft.json'));
    const swift = readJsonLines<Row>(out('sft', 'rewatch_sft.jsonl'));
    expect(llamaFactory).toHaveLength(32);
    expect(swift).toEqual(llamaFactory);
    expect(readJson(out('sft', 'dataset_info.json'))).toEqual({
      rewatch_sft: {
        file_name: 'rewatch_sft.json',
        formatting: 'sharegpt',
        columns: { messages: 'messages', videos: 'videos' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
      },
    });
    for (const row of llamaFactory) {
      expect(Object.keys(row).sort()).toEqual(['messages', 'videos']);
      expect(row.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(row.messages[0]!.content.split('<video>')).toHaveLength(2);
      expect(row.videos).toHaveLength(1);
    }
    // One row of each task, field by field.
    const short = captions.find((c) => c.videoPath === shortPath)!;
    expect(llamaFactory).toContainEqual({
      messages: [
        { role: 'user', content: `<video>${DEFAULT_CAPTION_INSTRUCTION}` },
        { role: 'assistant', content: short.text },
      ],
      videos: [shortPath],
    });
    const mcq = mcqs[0]!;
    const options = mcq.options.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}`).join('\n');
    expect(llamaFactory).toContainEqual({
      messages: [
        { role: 'user', content: `<video>${mcq.question}\nOptions:\n${options}\n${DEFAULT_DIRECT_INSTRUCTION}` },
        { role: 'assistant', content: mcq.answer },
      ],
      videos: [mcq.videoPath],
    });
    const cot = cots.find((c) => c.questionId === mcq.id)!;
    expect(llamaFactory).toContainEqual({
      messages: [
        { role: 'user', content: `<video>${mcq.question}\nOptions:\n${options}\n${DEFAULT_THINKING_INSTRUCTION}` },
        { role: 'assistant', content: cot.text },
      ],
      videos: [mcq.videoPath],
    });
  });

  it('writes the GRPO set as EasyR1 JSONL and verl Parquet with the ground truth as JSON', async () => {
    const mcqs = await output<MCQ>('mcq', 'mcq');
    type EasyR1Row = { problem: string; answer: string; videos: string[] };
    const easyr1 = { train: readJsonLines<EasyR1Row>(out('grpo', 'train.jsonl')), val: readJsonLines<EasyR1Row>(out('grpo', 'val.jsonl')) };
    expect(easyr1.train.length + easyr1.val.length).toBe(20);
    // A question and its multiple-choice form land in the same split.
    const splitOf = (qaId: string) =>
      (['train', 'val'] as const).filter((split) => easyr1[split].some((row) => decodeGroundTruth(row.answer).question === mcqs.find((m) => m.qaId === qaId)!.question));
    for (const mcq of mcqs) expect(splitOf(mcq.qaId)).toHaveLength(1);

    const row = easyr1.train.find((r) => decodeGroundTruth(r.answer).options)!;
    const truth = decodeGroundTruth(row.answer);
    const mcq = mcqs.find((m) => m.id === truth.questionId)!;
    const options = mcq.options.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}`).join('\n');
    expect(row).toEqual({
      problem: `<video>${mcq.question}\nOptions:\n${options}\n${DEFAULT_THINKING_INSTRUCTION}`,
      answer: row.answer,
      videos: [mcq.videoPath],
    });
    expect(truth).toEqual({
      answer: mcq.answer,
      captionId: mcq.captionId,
      questionId: mcq.id,
      type: mcq.type,
      question: mcq.question,
      options: mcq.options,
    });

    for (const split of ['train', 'val'] as const) {
      const verl = await readParquet(out('grpo', `${split}.parquet`));
      expect(verl).toHaveLength(easyr1[split].length);
      verl.forEach((v, index) => {
        const e = easyr1[split][index]!;
        const t = decodeGroundTruth(e.answer);
        expect(v).toEqual({
          data_source: 'rewatch',
          prompt: [{ role: 'user', content: e.problem }],
          videos: [{ video: `file://${e.videos[0]}`, fps: 2, max_frames: 192n, min_pixels: expect.any(BigInt), max_pixels: BigInt(128 * 28 * 28) }],
          ability: 'video-reasoning',
          reward_model: { style: 'rule', ground_truth: e.answer },
          extra_info: { question_id: t.questionId, caption_id: t.captionId, type: t.type, split, index: BigInt(index) },
        });
      });
    }
  });

  it('runs again from the caches: no model request, every node cached but the exports, the same files', async () => {
    const files = [out('sft', 'rewatch_sft.json'), out('sft', 'rewatch_sft.jsonl'), out('grpo', 'train.jsonl'), out('grpo', 'train.parquet')];
    const before = files.map(sha256);
    const requests = server.requests.length;
    const again = await runToEnd(engine, graph);
    expect(again.status).toBe('done');
    expect(server.requests.length - requests).toBe(0);
    expect(again.totals.llmCalls).toBe(0);
    expect(Object.fromEntries(again.nodes.map((n) => [n.nodeId, n.state]))).toEqual({
      ...Object.fromEntries(graph.nodes.map((n) => [n.id, 'cached'])),
      // Exports write their files on every run (declared non-deterministic).
      sft: 'done',
      grpo: 'done',
    });
    expect(files.map(sha256)).toEqual(before);
  });
});

describe('the captions-qa template', () => {
  it('runs captions, QA and the filters, writing the kept questions', async () => {
    const { graph: template } = await loadTemplate('captions-qa', catalog.lookup);
    const file = join(dir.path, 'captions-qa.rewatch.json');
    writeFileSync(file, graphFileText(template));
    const kept = join(dir.path, 'out', 'qa-kept.jsonl');
    const graph = pointedAt(readJson<GraphFile>(file), dir.path, { kept: { path: kept } });
    const engine = openEngine(join(dir.path, 'data-small'), roleProfiles(server.baseURL));
    try {
      const requests = server.requests.length;
      const run = await runToEnd(engine, graph);
      expect({ status: run.status, error: run.error }).toEqual({ status: 'done', error: null });
      expect(server.requests.length).toBeGreaterThan(requests);
      expect(model.violations).toEqual([]);
      const counts = Object.fromEntries(run.nodes.map((n) => [n.nodeId, n.outputCounts]));
      expect(counts).toMatchObject({
        videos: { videos: 2, rejected: 1 },
        segment: { segments: 3 },
        caption: { captions: 2 },
        qa: { qa: 16 },
        f1: { kept: 14 },
        f2: { kept: 12 },
        f3: { kept: 10 },
      });
      const written = readJsonLines<QA>(kept);
      expect(written).toEqual(await outputOf<QA>(engine, run.runId, 'f3', 'kept'));
      expect(written.some((q) => model.guessable.has(q.question))).toBe(false);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
