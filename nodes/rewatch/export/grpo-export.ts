import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defineOnceNode, pathField, promptField } from '../../sdk/index.ts';
import { DatasetType, MCQType, QAType, type Dataset } from '../types.ts';
import { writeAtomically, writeJsonDocument, writeJsonLines, type WrittenFile } from './files.ts';
import {
  easyR1Row,
  multipleChoiceQuestion,
  openQuestion,
  rlPrompt,
  verlRow,
  type RlPrompt,
  type RlQuestion,
  type Split,
} from './grpo-rows.ts';
import { DEFAULT_THINKING_INSTRUCTION } from './prompts.ts';
import { sampleKeys, seededOrder } from './sampling.ts';
import { videoCounts } from './video-counts.ts';
import { verlParquet } from './verl-parquet.ts';

const GRPO_FORMATS = ['easyr1', 'verl'] as const;
type GrpoFormat = (typeof GRPO_FORMATS)[number];
const SPLITS = ['train', 'val'] as const satisfies readonly Split[];

const config = z.object({
  outputDir: pathField('Folder the question files are written to; created as needed.'),
  formats: z
    .array(z.enum(GRPO_FORMATS))
    .min(1)
    .default([...GRPO_FORMATS])
    .meta({ description: 'Trainer formats to write: EasyR1 JSONL (train/val.jsonl), verl Parquet (train/val.parquet).' }),
  valFraction: z.number().min(0).max(1).default(0.05).meta({
    description: 'Share of the videos held out for validation, with all their questions: no video is in both train and val.',
  }),
  seed: z.number().int().default(0).meta({ description: 'Seed of the train/validation split and of the row order.' }),
  instruction: promptField(
    DEFAULT_THINKING_INSTRUCTION,
    'I_think: follows the question and options in every prompt (leave EasyR1’s `data.format_prompt` unset). Empty for none.',
  ),
  videoFps: z.number().positive().default(2).meta({
    description: 'Frame rate verl samples each video at (`videos[].fps`); also in config-hints.json.',
  }),
  framesHint: z.number().int().positive().default(192).meta({
    description: 'Frames per video for the launcher (config-hints.json); the paper uses 192.',
  }),
  rolloutN: z.number().int().positive().default(8).meta({ description: 'Rollouts per question, for the launcher.' }),
  rolloutTemperature: z.number().min(0).max(2).default(0.8).meta({ description: 'Rollout temperature, for the launcher.' }),
  rolloutTopP: z.number().gt(0).max(1).default(0.9).meta({ description: 'Rollout top_p, for the launcher.' }),
});
type Config = z.output<typeof config>;

const FILES: Record<GrpoFormat, (split: Split) => string> = {
  easyr1: (split) => `${split}.jsonl`,
  verl: (split) => `${split}.parquet`,
};

/** The paper's GRPO settings and the files' keys, for the trainer launcher; no trainer reads this file itself. */
function configHints(c: Config, outputDir: string, formats: readonly GrpoFormat[]) {
  return {
    about: 'ReWatch-R1 GRPO settings (from the rewatch.grpo-export node config) for the trainer launcher.',
    rollout: { n: c.rolloutN, temperature: c.rolloutTemperature, top_p: c.rolloutTopP },
    video: { frames: c.framesHint, fps: c.videoFps },
    ground_truth:
      'JSON string {answer, caption_id, question_id, type, question, options?}: decode it with decodeGroundTruth ' +
      '(nodes/rewatch/export/ground-truth.ts) and look C_detail up by caption_id.',
    files: Object.fromEntries(
      formats.map((format) => [
        format,
        Object.fromEntries(SPLITS.map((split) => [split, join(outputDir, FILES[format](split))])),
      ]),
    ),
    ...(formats.includes('easyr1')
      ? { easyr1: { 'data.prompt_key': 'problem', 'data.answer_key': 'answer', 'data.video_key': 'videos' } }
      : {}),
  };
}

export const grpoExport = defineOnceNode({
  type: 'rewatch.grpo-export',
  version: 2,
  // Version 2 holds out videos instead of questions; a version-1 valFraction carries over as the share of videos.
  migrations: { 1: (config) => config },
  title: 'GRPO question export',
  category: 'Export',
  description:
    'Writes the RL question set with a seeded train/validation split by video, as EasyR1 JSONL (problem, answer, videos) and ' +
    'verl Parquet (prompt, videos, reward_model, extra_info as nested columns), plus config-hints.json with the ' +
    'paper’s GRPO settings. The ground truth (EasyR1 `answer`, verl `reward_model.ground_truth`) is a JSON string ' +
    '{answer, caption_id, question_id, type, question, options?}, because EasyR1 hands the reward function nothing ' +
    'else: the reward server decodes it and looks C_detail up by caption id.',
  // Its output depends only on inputs and config, but it writes files: declared non-deterministic so it writes on
  // every run and the files on disk always match the graph, even after someone changed or deleted them.
  deterministic: false,
  inputs: {
    questions: { type: MCQType, description: 'Multiple-choice questions.' },
    open: { type: QAType, description: 'Open questions.', optional: true },
  },
  outputs: {
    dataset: { type: DatasetType, description: 'One item per format written: train/val rows, files, the first rows.' },
  },
  config,
  async execute(ctx, { questions, open }, c) {
    const prompts: RlPrompt[] = [];
    const seen = new Set<string>();
    const add = (question: RlQuestion) => {
      if (seen.has(question.questionId)) return;
      seen.add(question.questionId);
      try {
        prompts.push(rlPrompt(question, c.instruction));
      } catch (error) {
        ctx.log.warn(`question ${question.questionId} left out: ${(error as Error).message}`);
      }
    };
    for (const mcq of questions) add(multipleChoiceQuestion(mcq));
    for (const qa of open) add(openQuestion(qa));

    const held = sampleKeys(prompts.map((p) => p.question.videoId), c.valFraction, c.seed, 'grpo-val');
    const splits = Object.fromEntries(
      SPLITS.map((split) => [
        split,
        seededOrder(
          prompts.filter((p) => held.has(p.question.videoId) === (split === 'val')),
          (p) => p.question.questionId,
          c.seed,
          `grpo-order:${split}`,
        ),
      ]),
    ) as Record<Split, RlPrompt[]>;
    const rows = { train: splits.train.length, val: splits.val.length };
    const videos = videoCounts(Object.fromEntries(SPLITS.map((split) => [split, splits[split].map((p) => p.question.videoId)])));
    if (videos.shared) throw new Error(`train and validation share ${videos.shared} videos; the split must hold out whole videos`);

    const outputDir = resolve(c.outputDir);
    const formats = [...new Set<GrpoFormat>(c.formats)];
    const hints = await writeJsonDocument(join(outputDir, 'config-hints.json'), configHints(c, outputDir, formats), ctx.signal);
    const datasets: Dataset[] = [];
    for (const format of formats) {
      const files: WrittenFile[] = [];
      const sample: unknown[] = [];
      for (const split of SPLITS) {
        const path = join(outputDir, FILES[format](split));
        if (format === 'easyr1') {
          const written = splits[split].map(easyR1Row);
          files.push(await writeJsonLines(path, written, ctx.signal));
          sample.push(...written.slice(0, 3 - sample.length));
        } else {
          const written = splits[split].map((p, index) => verlRow(p, split, index, c.videoFps));
          files.push(await writeAtomically(path, [verlParquet(written)], written.length, ctx.signal));
          sample.push(...written.slice(0, 3 - sample.length));
        }
      }
      datasets.push({ format, rows, files: [...files, hints], sample, videos });
    }
    ctx.progress.update(prompts.length, prompts.length);
    ctx.log.info(
      `${prompts.length} questions: ${rows.train} train, ${rows.val} validation; ` +
        `${videos.byKey.train} train videos, ${videos.byKey.val} validation videos, none in both`,
    );
    return { dataset: datasets };
  },
});
