import { dirname, resolve } from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import {
  defineOnceNode,
  pathField,
  promptField,
  providerField,
  RecordType,
  videoBudgetField,
  type JsonObject,
  type NodeContext,
} from '../../sdk/index.ts';
import { DEFAULT_DIRECT_INSTRUCTION, DEFAULT_OPEN_INSTRUCTION, DEFAULT_THINKING_INSTRUCTION } from '../export/prompts.ts';
import { judgeAnswer } from '../judge.ts';
import { BENCHMARK_IDS, BENCHMARKS } from './benchmarks.ts';
import { PAPER_FRAME_BUDGET, type FrameBudget } from './frame-budget.ts';
import { askQuestion } from './ask-model.ts';
import type { BenchmarkQuestion } from './question.ts';
import { MODES } from './reply.ts';
import { modeReport } from './report.ts';
import type { OpenJudge } from './score.ts';
import { EvaluationReportType, EvaluationResultType, type EvaluationReport } from './types.ts';
import { SharedFrames } from './video-frames.ts';

const DEFAULT_NUMBER_INSTRUCTION = 'Answer with a number only.';

const config = z.object({
  benchmark: z.enum(BENCHMARK_IDS).default('jsonl').meta({
    description:
      'Which released format `benchmarkPath` is in, and so which scoring rule applies: `vcr-bench`, `minerva`, ' +
      '`video-holmes`, `videomathqa` (its `mcq` or `multi_binary` Parquet), `cg-av-counting`, or `jsonl` (the app’s ' +
      'own multiple choice: {question, options, answer, video, type?, id?}).',
  }),
  benchmarkPath: pathField('The benchmark’s annotation file as released (JSON, JSON Lines or Parquet).'),
  videoDir: z.string().default('').meta({
    description: 'The folder the benchmark’s videos were extracted to; empty: the annotation file’s folder.',
    'x-kind': 'path',
  }),
  model: z.string().default('').meta({ description: 'The row this model gets in the results table; empty: the provider profile’s name.' }),
  provider: providerField('eval-vlm', 'The model under evaluation (e.g. a trained checkpoint served by vLLM).'),
  judge: z.string().min(1).optional().meta({
    description: 'Judges VCR-Bench answers that are neither an interval nor a box (needed for VCR-Bench).',
    'x-kind': 'provider',
  }),
  modes: z.array(z.enum(MODES)).min(1).default([...MODES]).meta({
    description: '`thinking`: the reasoning instruction, the answer read from the last `<answer>`. `direct`: answer only.',
  }),
  thinkingInstruction: promptField(DEFAULT_THINKING_INSTRUCTION, 'I_think: follows every question in thinking mode.'),
  directInstruction: promptField(DEFAULT_DIRECT_INSTRUCTION, 'I_direct: follows a multiple-choice question in direct mode.'),
  numberInstruction: promptField(DEFAULT_NUMBER_INSTRUCTION, 'Follows a counting question in direct mode.'),
  openInstruction: promptField(DEFAULT_OPEN_INSTRUCTION, 'Follows an open question in direct mode.'),
  fps: videoBudgetField('fps', 'Frames per second sampled from each video; the graph’s video budget unless set here.'),
  minFrames: z.number().int().min(2).default(PAPER_FRAME_BUDGET.minFrames).meta({ description: 'Fewest frames a video gets.' }),
  maxFrames: videoBudgetField(
    'maxFrames',
    'Most frames a video gets: a longer video is sampled more sparsely, evenly over its whole length; the graph’s video budget unless set here.',
  ),
  maxPixels: videoBudgetField('maxPixels', 'Frames larger than this many pixels are scaled down; the graph’s video budget unless set here.'),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature of the model.' }),
  maxTokens: z.number().int().min(1).default(4096).meta({ description: 'Upper bound on each reply in tokens.' }),
  concurrency: z.number().int().min(1).max(1024).default(8).meta({ description: 'Questions asked at the same time.', 'x-semantic': false }),
});
type Config = z.output<typeof config>;

/**
 * v1 read only the app's JSON Lines and spread `frames` frames evenly over each video, `frameWidth` wide. v2 samples
 * at `fps` within [minFrames, maxFrames] and caps pixels: a v1 graph keeps its file and its frame count as the cap.
 */
function fromV1({ frames, frameWidth: _width, ...rest }: JsonObject): JsonObject {
  return { ...rest, benchmark: 'jsonl', ...(typeof frames === 'number' ? { maxFrames: frames } : {}) };
}

/** The judge of one question's open answers: the shared judge prompt, with the benchmark's question. */
function judgeFor(ctx: NodeContext, c: Config, question: string): OpenJudge {
  return (candidate, reference) => {
    if (!c.judge) return Promise.reject(new Error('judge: no provider profile is set to judge open answers'));
    return judgeAnswer(ctx.llm, { profile: c.judge, question, reference, candidate });
  };
}

const needsJudge = (questions: readonly BenchmarkQuestion[]) =>
  questions.some((q) => q.asks.some((a) => a.expected.kind !== 'choice' && a.expected.kind !== 'count'));

export const evaluate = defineOnceNode({
  type: 'rewatch.evaluate',
  version: 2,
  migrations: { 1: fromV1 },
  title: 'Evaluate on a benchmark',
  category: 'Evaluation',
  description:
    'Asks a model every question of a benchmark in its released format (VCR-Bench, MINERVA, Video-Holmes, ' +
    'VideoMathQA, CG-AV-Counting, or the app’s JSON Lines) over frames sampled at the graph’s video budget (the paper’s: ' +
    '2 fps, at most 192, 128·28·28 px), in thinking and/or direct mode, and scores each by the benchmark’s own rule. A failed request or ' +
    'an unreadable reply counts wrong and is listed; records that cannot be used are rejected with file, record and field.',
  inputs: {},
  outputs: {
    results: { type: EvaluationResultType, description: 'One row per question and mode: each reply, what it was read as, right or wrong.' },
    report: { type: EvaluationReportType, description: 'One record: accuracy per mode, overall and by category; a row of the results table.' },
    rejected: { type: RecordType, description: 'Records that could not be used: file, record, field and why.' },
  },
  config,
  async fingerprint(ctx, { benchmarkPath }) {
    const path = resolve(benchmarkPath);
    return { [`file:${path}`]: await ctx.storage.fileHash(path) };
  },
  async execute(ctx, _inputs, c) {
    const file = resolve(c.benchmarkPath);
    const benchmark = BENCHMARKS[c.benchmark];
    const { questions, rejected } = await benchmark.load(file, c.videoDir ? resolve(c.videoDir) : dirname(file));
    for (const r of rejected) ctx.log.warn(`${r.file}: ${r.record}: ${r.field}: ${r.message}`);
    if (needsJudge(questions) && !c.judge) throw new Error(`judge: ${benchmark.title} has open answers; set a judge provider profile`);
    const budget: FrameBudget = { fps: c.fps, minFrames: c.minFrames, maxFrames: c.maxFrames, maxPixels: c.maxPixels };
    // Asked video by video, so only the videos in flight hold their frames.
    const jobs = questions
      .map((question, index) => ({ ...question, index }))
      .sort((a, b) => a.video.localeCompare(b.video) || a.index - b.index)
      .flatMap((question) => c.modes.map((mode) => ({ question, mode })));
    const frames = new SharedFrames(ctx, budget, jobs.map((job) => job.question.video));
    const limit = pLimit(c.concurrency);
    let done = 0;
    const results = await Promise.all(
      jobs.map(({ question, mode }) =>
        limit(async () => {
          try {
            return await askQuestion(ctx, question, mode, frames.get(question.video), c, judgeFor(ctx, c, question.question));
          } finally {
            frames.release(question.video);
            ctx.progress.update(++done, jobs.length);
          }
        }),
      ),
    );
    results.sort((a, b) => a.index - b.index || c.modes.indexOf(a.mode) - c.modes.indexOf(b.mode));
    const report: EvaluationReport = {
      benchmark: c.benchmark,
      title: benchmark.title,
      model: c.model || c.provider,
      questions: questions.length,
      rejected,
      frames: budget,
      ...(benchmark.audio ? { audio: benchmark.audio } : {}),
      modes: Object.fromEntries(c.modes.map((mode) => [mode, modeReport(results, mode)])),
    };
    return { results, report: [report], rejected };
  },
});
