import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import { defineOnceNode, pathField, promptField, providerField, RecordType, seedField, type ChatContentPart, type NodeContext } from '../../sdk/index.ts';
import { parseChoice } from '../answers/choice.ts';
import { DEFAULT_DIRECT_INSTRUCTION, DEFAULT_THINKING_INSTRUCTION } from '../export/prompts.ts';
import { stableId } from '../ids.ts';
import { renderQuestion } from '../reasoning/question-text.ts';
import { frameParts } from '../video/frame-parts.ts';
import { probeVideo, sampleFrames } from '../video/frames.ts';
import { evaluationReport, type EvaluationResult } from './evaluation-report.ts';

const MODES = ['thinking', 'direct'] as const;
type Mode = (typeof MODES)[number];

const config = z.object({
  benchmarkPath: pathField(
    'Benchmark questions as JSON Lines: {question, options, answer (letter), video (path, relative to this file or absolute), type, id?}.',
  ),
  provider: providerField('eval-vlm', 'The model under evaluation (e.g. a trained checkpoint served by vLLM).'),
  modes: z.array(z.enum(MODES)).min(1).default([...MODES]).meta({
    description: '`thinking`: the reasoning instruction, letter read from `<answer>`. `direct`: the letter-only instruction.',
  }),
  thinkingInstruction: promptField(DEFAULT_THINKING_INSTRUCTION, 'I_think: follows the question and options in thinking mode.'),
  directInstruction: promptField(DEFAULT_DIRECT_INSTRUCTION, 'I_direct: follows the question and options in direct mode.'),
  frames: z.number().int().min(1).default(16).meta({ description: 'Frames sampled evenly over each video, sent with `[MM:SS]` times.' }),
  frameWidth: z.number().int().min(16).default(448).meta({ description: 'Frames wider than this are scaled down to it.' }),
  temperature: z.number().min(0).max(2).default(0).meta({ description: 'Sampling temperature of the model.' }),
  seed: seedField(),
  maxTokens: z.number().int().min(1).default(4096).meta({ description: 'Upper bound on each reply in tokens.' }),
  concurrency: z.number().int().min(1).max(1024).default(8).meta({
    description: 'Questions asked at the same time.',
    'x-semantic': false,
  }),
});
type Config = z.output<typeof config>;

const benchmarkRow = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  question: z.string().min(1),
  options: z.array(z.string()).min(2),
  answer: z.string().min(1),
  video: z.string().min(1),
  type: z.string().default('all'),
});

interface Question {
  id: string;
  index: number;
  type: string;
  text: string;
  options: string[];
  answer: string;
  video: string;
}

async function readBenchmark(path: string): Promise<Question[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const questions: Question[] = [];
  lines.forEach((line, n) => {
    if (!line.trim()) return;
    let parsed;
    try {
      parsed = benchmarkRow.safeParse(JSON.parse(line));
    } catch (error) {
      throw new Error(`${path}:${n + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (!parsed.success) throw new Error(`${path}:${n + 1}: ${z.prettifyError(parsed.error)}`);
    const row = parsed.data;
    const answer = parseChoice(row.answer, row.options);
    if (answer.kind === 'none') throw new Error(`${path}:${n + 1}: answer "${row.answer}" names no option: ${answer.reason}`);
    const video = resolve(dirname(path), row.video);
    questions.push({
      id: row.id !== undefined ? String(row.id) : stableId(video, row.question),
      index: questions.length,
      type: row.type,
      text: renderQuestion(row.question, row.options),
      options: row.options,
      answer: answer.letter,
      video,
    });
  });
  return questions;
}

/** `frames` frames spread evenly over the whole video. */
async function videoFrames(ctx: NodeContext, path: string, c: Config): Promise<ChatContentPart[]> {
  const { duration } = await probeVideo(ctx.media, path, ctx.signal);
  const frames = await sampleFrames(ctx.media, {
    path,
    start: 0,
    end: duration,
    fps: c.frames / duration,
    maxFrames: c.frames,
    width: c.frameWidth,
    signal: ctx.signal,
  });
  return frameParts(frames);
}

async function ask(ctx: NodeContext, question: Question, mode: Mode, frames: ChatContentPart[], c: Config): Promise<EvaluationResult> {
  const base = { questionId: question.id, index: question.index, type: question.type, mode, answer: question.answer };
  const instruction = mode === 'thinking' ? c.thinkingInstruction : c.directInstruction;
  const text = [question.text, instruction].filter((part) => part.trim()).join('\n');
  const reply = await ctx.llm.complete({
    profile: c.provider,
    messages: [{ role: 'user', content: [...frames, { type: 'text', text }] }],
    temperature: c.temperature,
    seed: c.seed,
    maxTokens: c.maxTokens,
  });
  // In thinking mode only what the `<answer>` tag holds counts.
  const choice = parseChoice(reply.text, question.options, { tagRequired: mode === 'thinking' });
  if (choice.kind === 'none') return { ...base, predicted: null, correct: false, reply: reply.text, unparsed: choice.reason };
  return { ...base, predicted: choice.letter, correct: choice.letter === question.answer, reply: reply.text };
}

export const evaluate = defineOnceNode({
  type: 'rewatch.evaluate',
  version: 1,
  title: 'Evaluate on a benchmark',
  category: 'Training',
  description:
    'Asks a model every multiple-choice question of a benchmark file over evenly sampled frames of its video, in ' +
    'thinking and/or direct mode, and reports accuracy per mode, overall and per question type. A question whose ' +
    'request fails is kept as a result row with its error and left out of accuracy; a reply naming no letter counts wrong.',
  inputs: {},
  outputs: {
    results: {
      type: RecordType,
      description: 'One row per question and mode: questionId, index, type, mode, answer, predicted, correct, reply, unparsed? (why no letter was read), error?.',
    },
    report: {
      type: RecordType,
      description: 'One record: per mode, accuracy (%) with answered/correct/unparsed/error counts, overall and by type.',
    },
  },
  config,
  async fingerprint(ctx, { benchmarkPath }) {
    const path = resolve(benchmarkPath);
    return { [`file:${path}`]: await ctx.storage.fileHash(path) };
  },
  async execute(ctx, _inputs, c) {
    const questions = await readBenchmark(resolve(c.benchmarkPath));
    const framesByVideo = new Map<string, Promise<ChatContentPart[]>>();
    const framesOf = (path: string) => {
      if (!framesByVideo.has(path)) framesByVideo.set(path, videoFrames(ctx, path, c));
      return framesByVideo.get(path)!;
    };
    const jobs = questions.flatMap((question) => c.modes.map((mode) => ({ question, mode })));
    const limit = pLimit(c.concurrency);
    let done = 0;
    const results = await Promise.all(
      jobs.map(({ question, mode }) =>
        limit(async (): Promise<EvaluationResult> => {
          try {
            return await ask(ctx, question, mode, await framesOf(question.video), c);
          } catch (error) {
            if (ctx.signal.aborted) throw error;
            const message = `question ${question.id} (${mode}): ${(error as Error).message}`;
            ctx.log.warn(message);
            const raw = (error as { raw?: unknown }).raw;
            return {
              questionId: question.id,
              index: question.index,
              type: question.type,
              mode,
              answer: question.answer,
              predicted: null,
              correct: false,
              reply: typeof raw === 'string' ? raw : null,
              error: message,
            };
          } finally {
            ctx.progress.update(++done, jobs.length);
          }
        }),
      ),
    );
    return { results, report: [evaluationReport(results, c.modes)] };
  },
});
