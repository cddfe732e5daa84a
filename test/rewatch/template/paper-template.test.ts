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
import { assignVideos } from '../../../nodes/rewatch/split/assign.ts';
import { DEFAULT_CAPTION_INSTRUCTION, DEFAULT_DIRECT_INSTRUCTION, DEFAULT_THINKING_INSTRUCTION } from '../../../nodes/rewatch/export/prompts.ts';
import { formatAction } from '../../../nodes/rewatch/reasoning/actions.ts';
import { parseTaggedResponse } from '../../../nodes/rewatch/reasoning/cot-tags.ts';
import { eventsAround } from '../../../nodes/rewatch/reasoning/time-ranges.ts';
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
import type { DatasetReport } from '../../../nodes/rewatch/report/types.ts';
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
    expect(stdout).toContain('(19 nodes) from template "rewatch-r1"');
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
    expect(run.nodes).toHaveLength(19);
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
    // Listed by content hash before any probe; the noise is left out, since no MP4 begins with its bytes.
    const files = await output<{ id: string; path: string }>('videos', 'files');
    expect(files).toEqual([longPath, shortPath].map((path) => ({ id: sha256(path), path })));
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

  it('reformulates the F1-kept questions as multiple choice with judge-checked distractors', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const kept = await output<QA>('f1', 'kept');
    const mcqs = await output<MCQ>('mcq', 'mcq');
    const rejected = await output<{ qaId: string; reason: string }>('mcq', 'rejected');
    expect([...mcqs.map((m) => m.qaId), ...rejected.map((r) => r.qaId)].sort()).toEqual(ids(kept));
    expect(ids(await output<QA>('mcq', 'open'))).toEqual(mcqs.map((m) => m.qaId).sort());
    for (const mcq of mcqs) {
      const open = kept.find((q) => q.id === mcq.qaId)!;
      expect(mcq.open).toEqual(open);
      expect(mcq.options).toHaveLength(4);
      expect(new Set(mcq.options).size).toBe(4);
      expect(mcq.options[mcq.answer.charCodeAt(0) - 65]).toBe(open.answer);
      // Every distractor was put to the judge with C_detail: the ones in the options were found wrong in their last
      // check, and one found also correct is not among them.
      const checks = mcq.distractorChecks!;
      const distractors = mcq.options.filter((o) => o !== open.answer);
      for (const distractor of distractors) expect(checks.filter((c) => c.text === distractor).at(-1)?.verdict).toBe('wrong');
      for (const check of checks.filter((c) => c.verdict === 'also-correct')) expect(mcq.options).not.toContain(check.text);
    }
    // The judge saw the caption lines: every check request quotes the question's caption.
    const checkRequests = server.requests.filter((r) => r.model === 'judge-llm' && JSON.stringify(r.messages).includes('wrong option'));
    expect(checkRequests.length).toBeGreaterThanOrEqual(mcqs.length);
    for (const request of checkRequests) expect(captions.some((c) => JSON.stringify(request.messages).includes(c.events[0]!.text))).toBe(true);
    // The shuffle moved the correct option around.
    expect(new Set(mcqs.map((m) => m.answer)).size).toBeGreaterThan(1);
  });

  it('F2 and F3 probe both forms: a question goes when either form is answered without the video', async () => {
    const summaries = await output<Summary>('summarize', 'summaries');
    for (const [stage, [inputNode, inputPort], leak] of [
      ['f2', ['mcq', 'mcq'], 'question'],
      ['f3', ['f2', 'kept'], 'summary'],
    ] as const) {
      const questions = await output<MCQ>(inputNode, inputPort);
      const verdicts = await output<FilterVerdict>(stage, 'verdicts');
      const kept = await output<MCQ>(stage, 'kept');
      // The open form is given away by the question (F2) or the summary (F3); the options give a "first time"
      // question away (every distractor is later), and a probe that can tell the answer picks its letter too.
      const openGuessable = (q: MCQ) => model.guessable.get(q.question) === leak;
      const mcGuessable = (q: MCQ) => openGuessable(q) || model.guessableFromOptions.has(q.question);
      expect(questions.filter(openGuessable)).toHaveLength(2); // one per video
      for (const q of questions.filter(openGuessable)) {
        const told = leak === 'question' ? q.question : summaries.find((s) => s.captionId === q.captionId)!.text;
        expect(mentions(told, q.open.answer)).toBe(true);
      }
      // Only MC verdicts catch the "first time" questions, all in F2.
      expect(questions.filter((q) => model.guessableFromOptions.has(q.question)).length > 0).toBe(stage === 'f2');

      expect(verdicts.map((v) => v.qaId).sort()).toEqual(questions.map((q) => q.qaId).sort());
      for (const verdict of verdicts) {
        const q = questions.find((x) => x.qaId === verdict.qaId)!;
        const [open, mc] = [openGuessable(q), mcGuessable(q)];
        expect(verdict).toMatchObject({ stage: stage.toUpperCase(), kept: !open && !mc, accuracy: open ? 1 : 0, mcAccuracy: mc ? 1 : 0 });
        expect(verdict.probes.map((p) => [p.probe, p.correct])).toEqual([
          ['probe-text', open],
          ['probe-vlm', open],
        ]);
        expect(verdict.mcProbes!.map((p) => [p.probe, p.correct])).toEqual([
          ['probe-text', mc],
          ['probe-vlm', mc],
        ]);
        expect(verdict.reason).toMatch(new RegExp(`^open form: ${open ? 2 : 0}/2 probes answered correctly .*; multiple choice: ${mc ? 2 : 0}/2 probes chose the correct option`));
      }
      const survivors = questions.filter((q) => !openGuessable(q) && !mcGuessable(q));
      expect(ids(kept)).toEqual(ids(survivors));
      expect(ids(await output<QA>(stage, 'open'))).toEqual(survivors.map((q) => q.qaId).sort());
    }
  });

  it('splits the final questions and the captions by video: no video in two splits, every split node agreeing', async () => {
    const videos = await output<Video>('videos', 'videos');
    const final = await output<MCQ>('f3', 'kept');
    const splitOf = new Map<string, string>();
    for (const [node, [inputNode, inputPort]] of [
      ['split-mc', ['f3', 'kept']],
      ['split-open', ['f3', 'open']],
      ['split-questions', ['f3', 'questions']],
      ['split-captions', ['caption', 'captions']],
    ] as const) {
      const input = await output<{ videoId: string }>(inputNode, inputPort);
      let total = 0;
      for (const split of ['sft', 'rl', 'heldOut']) {
        const items = await output<{ videoId: string }>(node, split);
        total += items.length;
        for (const item of items) {
          expect(splitOf.get(item.videoId) ?? split).toBe(split);
          splitOf.set(item.videoId, split);
        }
      }
      expect(total).toBe(input.length);
    }
    // ReAct's one stream of both forms: each kept question, then its open form.
    const both = await output<MCQ | QA>('f3', 'questions');
    expect(both.map((q) => q.id)).toEqual(final.flatMap((q) => [q.id, q.open.id]));
    // Two videos at 0.5 / 0.4 / 0.1: one for SFT, one for RL, none held out, as the ranking of the source's files has it.
    expect([...splitOf.values()].sort()).toEqual(['rl', 'sft']);
    const files = await output<{ id: string }>('videos', 'files');
    const ranked = assignVideos(files.map((f) => f.id), 0, { sft: 0.5, rl: 0.4, heldOut: 0.1 });
    expect(Object.fromEntries(splitOf)).toEqual(Object.fromEntries(ranked));
    expect(new Set(final.map((q) => q.videoId)).size).toBe(videos.length);
  });

  it('reasons over the caption for both forms of the SFT videos’ questions: retrieve, query a moment, answer', async () => {
    const captions = await output<DenseCaption>('caption', 'captions');
    const mcqs = await output<MCQ>('split-mc', 'sft');
    const open = await output<QA>('split-open', 'sft');
    const trajectories = await output<Trajectory>('react', 'trajectories');
    expect(await output<Trajectory>('react', 'rejected')).toEqual([]);
    expect(mcqs.length).toBeGreaterThan(0);
    expect(trajectories.map((t) => `${t.form}:${t.questionId}`).sort()).toEqual(
      [...mcqs.map((m) => `mc:${m.id}`), ...open.map((q) => `open:${q.id}`)].sort(),
    );
    expect(server.requests.filter((r) => r.model === 'reasoner-llm')).toHaveLength(3 * (mcqs.length + open.length));
    for (const t of trajectories) {
      const question = t.form === 'mc' ? mcqs.find((m) => m.id === t.questionId)! : undefined;
      const openForm = question ? question.open : open.find((q) => q.id === t.questionId)!;
      const caption = captions.find((c) => c.id === t.captionId)!;
      expect(t).toMatchObject({ correct: true, attempt: 1, groundTruth: question ? question.answer : openForm.answer });
      // An MC answer is the option letter; an open one is the reasoner's own words, which the judge accepted.
      if (question) expect(t.finalAnswer).toBe(question.answer);
      else expect(mentions(t.finalAnswer, openForm.answer)).toBe(true);
      expect(t.options).toEqual(question?.options);
      expect(t.steps.map((s) => s.action.name)).toEqual(['segment_retrieval', 'segment_query', 'answer']);
      const [retrieval, query] = t.steps as [Trajectory['steps'][number], Trajectory['steps'][number]];
      // The retrieval found the caption line holding the question's evidence; the reasoner queried the middle of it
      // (the paper's segment_query(timestamp)), and the observation is that moment's event with its neighbours.
      const evidenceLine = caption.events.find((e) => e.start === openForm.evidence.start)!;
      expect(retrieval.observation).toContain(`[${formatTimestamp(evidenceLine.start)}-${formatTimestamp(evidenceLine.end)}]`);
      const at = parseTimestamp(formatTimestamp((evidenceLine.start + evidenceLine.end) / 2))!;
      expect(query.action.argument).toBe(formatTimestamp(at));
      expect(query.observation.split('\n')).toEqual(
        eventsAround(caption.events, at).map((e) => `From ${formatTimestamp(e.start)} to ${formatTimestamp(e.end)}, ${e.text}.`),
      );
      expect(query.observation).toContain(openForm.answer);
    }
    // Open answers were judged: one judge request per open trajectory names its reference answer.
    const judged = server.requests.filter((r) => r.model === 'judge-llm' && open.some((q) => JSON.stringify(r.messages).includes(`Reference answer: ${q.answer}`)));
    expect(judged.length).toBeGreaterThanOrEqual(open.length);
  });

  it('converts each trajectory into a CoT that keeps its form, actions, observations and answer in tags', async () => {
    const trajectories = await output<Trajectory>('react', 'trajectories');
    const cots = await output<CoT>('cot', 'cot');
    expect(cots.map((c) => c.trajectoryId).sort()).toEqual(ids(trajectories));
    expect(new Set(cots.map((c) => c.form))).toEqual(new Set(['mc', 'open']));
    for (const cot of cots) {
      const t = trajectories.find((x) => x.id === cot.trajectoryId)!;
      const parsed = parseTaggedResponse(cot.text);
      expect(parsed.problems).toEqual([]);
      const evidence = t.steps.filter((s) => s.action.name !== 'answer');
      expect(parsed.pairs).toEqual(evidence.map((s) => ({ action: formatAction(s.action), observation: s.observation })));
      expect(parsed.answer).toBe(t.finalAnswer);
      expect(cot).toMatchObject({ form: t.form, questionId: t.questionId, captionId: t.captionId, groundTruth: t.groundTruth });
      expect(cot.options).toEqual(t.options);
      expect(cot.completionTokens).toBeGreaterThan(0);
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

  it('writes the SFT set from the SFT videos only, as LLaMA-Factory sharegpt (+ dataset_info.json) and ms-swift JSONL', async () => {
    const captions = await output<DenseCaption>('split-captions', 'sft');
    const mcqs = await output<MCQ>('split-mc', 'sft');
    const open = await output<QA>('split-open', 'sft');
    const cots = await output<CoT>('cot', 'cot');
    const datasets = await output<Dataset>('sft', 'dataset');
    const rows = { caption: captions.length, direct: mcqs.length + open.length, cot: cots.length };
    const sftVideos = new Set(captions.map((c) => c.videoId));
    expect(sftVideos.size).toBe(1);
    for (const item of [...mcqs, ...open, ...cots]) expect(sftVideos.has(item.videoId)).toBe(true);
    // The three tasks are over the same video (`shared`: a video under more than one task).
    expect(datasets.map((d) => [d.stage, d.format, d.rows, d.videos.total, d.videos.shared])).toEqual([
      ['sft', 'llamafactory', rows, 1, 1],
      ['sft', 'ms-swift', rows, 1, 1],
    ]);
    type Row = { messages: Array<{ role: string; content: string }>; videos: string[] };
    const llamaFactory = readJson<Row[]>(out('sft', 'rewatch_sft.json'));
    const swift = readJsonLines<Row>(out('sft', 'rewatch_sft.jsonl'));
    expect(llamaFactory).toHaveLength(rows.caption + rows.direct + rows.cot);
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
      expect(row.videos).toEqual([captions[0]!.videoPath]);
    }
    // One row of each task, field by field.
    expect(llamaFactory).toContainEqual({
      messages: [
        { role: 'user', content: `<video>${DEFAULT_CAPTION_INSTRUCTION}` },
        { role: 'assistant', content: captions[0]!.text },
      ],
      videos: [captions[0]!.videoPath],
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
    const openCot = cots.find((c) => c.form === 'open')!;
    expect(llamaFactory).toContainEqual({
      messages: [
        { role: 'user', content: `<video>${openCot.question}\n${DEFAULT_THINKING_INSTRUCTION}` },
        { role: 'assistant', content: openCot.text },
      ],
      videos: [openCot.videoPath],
    });
  });

  it('writes the GRPO set from the RL videos only, for EasyR1, verl, ms-swift and TRL, the ground truth as JSON', async () => {
    const mcqs = await output<MCQ>('split-mc', 'rl');
    const open = await output<QA>('split-open', 'rl');
    const sftVideos = new Set((await output<DenseCaption>('split-captions', 'sft')).map((c) => c.videoId));
    expect(mcqs.length).toBeGreaterThan(0);
    for (const q of [...mcqs, ...open]) expect(sftVideos.has(q.videoId)).toBe(false);
    const datasets = await output<Dataset>('grpo', 'dataset');
    expect(datasets.map((d) => [d.stage, d.format])).toEqual([
      ['grpo', 'easyr1'],
      ['grpo', 'verl'],
      ['grpo', 'ms-swift'],
      ['grpo', 'trl'],
    ]);
    type EasyR1Row = { problem: string; answer: string; videos: string[] };
    const easyr1 = { train: readJsonLines<EasyR1Row>(out('grpo', 'train.jsonl')), val: readJsonLines<EasyR1Row>(out('grpo', 'val.jsonl')) };
    expect(easyr1.train.length + easyr1.val.length).toBe(mcqs.length + open.length);
    for (const d of datasets) expect(d.rows).toEqual({ train: easyr1.train.length, val: easyr1.val.length });
    for (const split of ['train', 'val'] as const) {
      expect(readJsonLines(out('grpo', `${split}.ms-swift.jsonl`))).toHaveLength(easyr1[split].length);
      expect(readJsonLines(out('grpo', `${split}.trl.jsonl`))).toHaveLength(easyr1[split].length);
    }

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

  it('reports the run’s dataset beside the paper’s figures, every figure recomputed here from the stored rows', async () => {
    const [report] = await output<DatasetReport>('report', 'report');
    const videos = await output<Video>('videos', 'videos');
    const segments = await output<Segment>('segment', 'segments');
    const captions = await output<DenseCaption>('caption', 'captions');
    const qa = await output<QA>('qa', 'qa');
    const verdicts = {
      F1: await output<FilterVerdict>('f1', 'verdicts'),
      F2: await output<FilterVerdict>('f2', 'verdicts'),
      F3: await output<FilterVerdict>('f3', 'verdicts'),
    };
    const mcqs = await output<MCQ>('f3', 'kept');
    const open = await output<QA>('f3', 'open');
    const accepted = await output<Trajectory>('react', 'trajectories');
    const rejected = await output<Trajectory>('react', 'rejected');
    const cots = await output<CoT>('cot', 'cot');
    const [sft] = await output<Dataset>('sft', 'dataset');
    const [grpo] = await output<Dataset>('grpo', 'dataset');

    const pct = (part: number, whole: number) => (part / whole) * 100;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const events = captions.reduce((n, c) => n + c.events.length, 0);
    const final = new Map<string, QA>([...mcqs.map((m) => [m.open.id, m.open] as const), ...open.map((q) => [q.id, q] as const)]);
    const probeAccuracy = (answers: FilterVerdict['probes']) => pct(answers.filter((a) => a.correct).length, answers.length);
    const stageFigures = (stage: keyof typeof verdicts) => {
      const list = verdicts[stage];
      const byProbe = (form: 'probes' | 'mcProbes', probe: string) => list.flatMap((v) => (v[form] ?? []).filter((p) => p.probe === probe));
      return {
        [`${stage}-kept`]: list.filter((v) => v.kept).length,
        [`${stage}-kept-ratio`]: pct(list.filter((v) => v.kept).length, list.length),
        [`${stage}-accuracy`]: mean(list.map((v) => v.accuracy)) * 100,
        ...(stage === 'F1'
          ? {}
          : {
              [`${stage}-probe-probe-text`]: probeAccuracy(byProbe('probes', 'probe-text')),
              [`${stage}-probe-probe-vlm`]: probeAccuracy(byProbe('probes', 'probe-vlm')),
              [`${stage}-mc-accuracy`]: mean(list.map((v) => v.mcAccuracy!)) * 100,
              [`${stage}-mc-probe-probe-text`]: probeAccuracy(byProbe('mcProbes', 'probe-text')),
              [`${stage}-mc-probe-probe-vlm`]: probeAccuracy(byProbe('mcProbes', 'probe-vlm')),
            }),
      };
    };
    const actions = cots.map((c) => (c.text.match(/<action>/g) ?? []).length);
    const clips = captions.flatMap((c) => c.sampling ?? []);
    const typeShares = Object.fromEntries(
      QUESTION_TYPES.map((type) => [`type-${type.replace(/\s+/g, '-').toLowerCase()}`, pct([...final.values()].filter((q) => q.type === type).length, final.size)]),
    );
    // The text-only probe asked probe-text every final MC question with its options and no video; none of them can be
    // told without it, so every reply names no option and counts wrong.
    const textOnlyRequests = server.requests.filter((r) => r.model === 'probe-text' && JSON.stringify(r.messages).includes('pick the most likely option anyway'));
    expect(textOnlyRequests).toHaveLength(mcqs.length);
    expect(report!.textOnly).toMatchObject({ probe: 'probe-text', questions: mcqs.length, asked: mcqs.length, correct: 0, failed: [] });
    expect(report!.textOnly!.unparsable.map((u) => u.questionId).sort()).toEqual(ids(mcqs));

    const expected: Record<string, number> = {
      videos: videos.length,
      segments: segments.length,
      captions: captions.length,
      'caption-events': events,
      summaries: (await output<Summary>('summarize', 'summaries')).length,
      'qa-generated': qa.length,
      ...stageFigures('F1'),
      ...stageFigures('F2'),
      ...stageFigures('F3'),
      'multiple-choice': mcqs.length,
      open: open.length,
      'qa-pairs': mcqs.length + open.length,
      'react-attempts': [...accepted, ...rejected].reduce((n, t) => n + t.attempt, 0),
      trajectories: accepted.length,
      cots: cots.length,
      'cots-mc': cots.filter((c) => c.form === 'mc').length,
      'cots-open': cots.filter((c) => c.form === 'open').length,
      'sft-rows-caption': sft!.rows.caption!,
      'sft-rows-direct': sft!.rows.direct!,
      'sft-rows-cot': sft!.rows.cot!,
      'grpo-rows-train': grpo!.rows.train!,
      'grpo-rows-val': grpo!.rows.val!,
      questions: final.size,
      'question-videos': new Set([...final.values()].map((q) => q.videoId)).size,
      'question-types': new Set([...final.values()].map((q) => q.type)).size,
      ...typeShares,
      'events-per-minute': events / (captions.reduce((n, c) => n + c.duration, 0) / 60),
      'caption-fps-min': Math.min(...clips.map((c) => c.fps)),
      acceptance: pct(new Set(accepted.map((t) => t.questionId)).size, new Set([...accepted, ...rejected].map((t) => t.questionId)).size),
      'steps-mean': mean(actions),
      'steps-max': Math.max(...actions),
      'actions-on-qa': mean(actions),
      'response-tokens': mean(cots.map((c) => c.completionTokens!)),
      'text-only-accuracy': 0,
    };
    const figures = new Map(report!.figures.map((f) => [f.id, f]));
    for (const [id, value] of Object.entries(expected)) expect(figures.get(id)?.value, id).toBeCloseTo(value, 9);
    // No figure of the report is left unchecked.
    expect(report!.figures.map((f) => f.id).sort()).toEqual(Object.keys(expected).sort());
    // Both forms reach a CoT, and nothing is guessable without the video.
    expect(expected['cots-mc']).toBeGreaterThan(0);
    expect(expected['cots-open']).toBeGreaterThan(0);
    expect(figures.get('cots')!.paper!.value).toBe(135_000);
    expect(figures.get('text-only-accuracy')!.paper).toMatchObject({ value: 29.4, contrast: { value: 68.9 } });

    // Written next to the exports, as JSON and Markdown.
    expect(readJson(out('report', 'dataset-report.json'))).toEqual({ figures: report!.figures, textOnly: report!.textOnly });
    const markdown = readFileSync(out('report', 'dataset-report.md'), 'utf8');
    for (const f of report!.figures) expect(markdown).toContain(`| ${f.label} |`);
  });

  it('runs again from the caches: no model request, every node cached but the exports, the same files', async () => {
    const files = [out('sft', 'rewatch_sft.json'), out('sft', 'rewatch_sft.jsonl'), out('grpo', 'train.jsonl'), out('grpo', 'train.parquet')];
    const before = files.map(sha256);
    const requests = server.requests.length;
    const again = await runToEnd(engine, graph);
    expect(again.status).toBe('done');
    expect(server.requests.slice(requests).map((r) => r.model)).toEqual([]);
    // Only the report asks a model again (its text-only probe), and every answer comes from the request cache.
    expect(again.totals.llmCalls).toBe(again.totals.llmCached);
    expect(again.nodes.filter((n) => n.llmCalls > 0).map((n) => n.nodeId)).toEqual(['report']);
    expect(Object.fromEntries(again.nodes.map((n) => [n.nodeId, n.state]))).toEqual({
      ...Object.fromEntries(graph.nodes.map((n) => [n.id, 'cached'])),
      // Exports and the report write their files on every run (declared non-deterministic).
      sft: 'done',
      grpo: 'done',
      report: 'done',
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
