import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  defineOnceNode,
  pathField,
  promptField,
  renameConfigFields,
  videoBudgetField,
  writeAtomically,
  type VideoBudget,
  type WrittenFile,
} from '../../sdk/index.ts';
import { DatasetType, MCQType, QAType, type Dataset } from '../types.ts';
import { trainerMaxPixelsField } from '../qwen-vision.ts';
import { writeJsonDocument, writeJsonLines } from './files.ts';
import { msSwiftGrpoRow, msSwiftVideoEnvironment, trlGrpoRow } from './grpo-chat-rows.ts';
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

const GRPO_FORMATS = ['easyr1', 'verl', 'ms-swift', 'trl'] as const;
type GrpoFormat = (typeof GRPO_FORMATS)[number];
const SPLITS = ['train', 'val'] as const satisfies readonly Split[];

const config = z.object({
  outputDir: pathField('Folder the question files are written to; created as needed.'),
  formats: z
    .array(z.enum(GRPO_FORMATS))
    .min(1)
    .default([...GRPO_FORMATS])
    .meta({
      description:
        'Trainer formats to write: EasyR1 JSONL (train/val.jsonl), verl Parquet (train/val.parquet), ms-swift GRPO JSONL ' +
        '(train/val.ms-swift.jsonl), TRL GRPOTrainer JSONL (train/val.trl.jsonl).',
    }),
  valFraction: z.number().min(0).max(1).default(0.05).meta({
    description: 'Share of the videos held out for validation, with all their questions: no video is in both train and val.',
  }),
  seed: z.number().int().default(0).meta({ description: 'Seed of the train/validation split and of the row order.' }),
  instruction: promptField(
    DEFAULT_THINKING_INSTRUCTION,
    'I_think: follows the question and options in every prompt (leave EasyR1’s `data.format_prompt` unset). Empty for none.',
  ),
  fps: videoBudgetField('fps', 'Frame rate verl samples each video at (`videos[].fps`), and config-hints.json; the graph’s video budget unless set here.'),
  maxFrames: videoBudgetField(
    'maxFrames',
    'At most this many frames per video: verl’s `videos[].max_frames`, and config-hints.json; the graph’s video budget unless set here.',
  ),
  maxPixels: trainerMaxPixelsField('At most this many pixels per frame: verl’s `videos[].max_pixels`, and config-hints.json; the graph’s video budget unless set here.'),
  rolloutN: z.number().int().positive().default(8).meta({ description: 'Rollouts per question, for the launcher.' }),
  rolloutTemperature: z.number().min(0).max(2).default(0.8).meta({ description: 'Rollout temperature, for the launcher.' }),
  rolloutTopP: z.number().gt(0).max(1).default(0.9).meta({ description: 'Rollout top_p, for the launcher.' }),
});
type Config = z.output<typeof config>;

function budgetOf(c: Config): VideoBudget {
  return { fps: c.fps, maxFrames: c.maxFrames, maxPixels: c.maxPixels };
}

const FILES: Record<GrpoFormat, (split: Split) => string> = {
  easyr1: (split) => `${split}.jsonl`,
  verl: (split) => `${split}.parquet`,
  'ms-swift': (split) => `${split}.ms-swift.jsonl`,
  trl: (split) => `${split}.trl.jsonl`,
};

interface SplitRows {
  prompts: readonly RlPrompt[];
  split: Split;
  budget: VideoBudget;
}

/** Each format's rows of a split and the file they are written to. */
const WRITERS: Record<GrpoFormat, (rows: SplitRows, path: string, signal: AbortSignal) => Promise<{ file: WrittenFile; rows: unknown[] }>> = {
  easyr1: (s, path, signal) => jsonLinesOf(s.prompts.map(easyR1Row), path, signal),
  verl: async (s, path, signal) => {
    const rows = s.prompts.map((p, index) => verlRow(p, s.split, index, s.budget));
    return { file: await writeAtomically(path, [verlParquet(rows)], rows.length, signal), rows };
  },
  'ms-swift': (s, path, signal) => jsonLinesOf(s.prompts.map(msSwiftGrpoRow), path, signal),
  trl: (s, path, signal) => jsonLinesOf(s.prompts.map(trlGrpoRow), path, signal),
};

async function jsonLinesOf(rows: unknown[], path: string, signal: AbortSignal) {
  return { file: await writeJsonLines(path, rows, signal), rows };
}

/** The paper's GRPO settings and the files' keys, for the trainer launcher; no trainer reads this file itself. */
function configHints(c: Config, outputDir: string, formats: readonly GrpoFormat[]) {
  return {
    about: 'ReWatch-R1 GRPO settings (from the rewatch.grpo-export node config) for the trainer launcher.',
    rollout: { n: c.rolloutN, temperature: c.rolloutTemperature, top_p: c.rolloutTopP },
    video: { frames: c.maxFrames, fps: c.fps, max_pixels: c.maxPixels },
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
    ...(formats.includes('ms-swift') ? { 'ms-swift': msSwiftVideoEnvironment(budgetOf(c)) } : {}),
  };
}

export const grpoExport = defineOnceNode({
  type: 'rewatch.grpo-export',
  version: 3,
  migrations: {
    // Version 2 holds out videos instead of questions; a version-1 valFraction carries over as the share of videos.
    1: (config) => config,
    // Version 3 names its video budget as the graph's, which it inherits when a value is left unset.
    2: renameConfigFields({ videoFps: 'fps', framesHint: 'maxFrames', maxFramePixels: 'maxPixels' }),
  },
  title: 'GRPO question export',
  category: 'Export',
  description:
    'Writes the RL question set with a seeded train/validation split by video, as EasyR1 JSONL (problem, answer, videos), ' +
    'verl Parquet (prompt, videos with their frame and pixel caps, reward_model, extra_info as nested columns), ms-swift ' +
    'GRPO JSONL (messages, videos, solution) and TRL GRPOTrainer JSONL (prompt, video, ground_truth), plus config-hints.json with the ' +
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
        const written = await WRITERS[format]({ prompts: splits[split], split, budget: budgetOf(c) }, path, ctx.signal);
        files.push(written.file);
        sample.push(...written.rows.slice(0, 3 - sample.length));
      }
      datasets.push({ stage: 'grpo', format, rows, files: [...files, hints], sample, videos });
    }
    ctx.progress.update(prompts.length, prompts.length);
    ctx.log.info(
      `${prompts.length} questions: ${rows.train} train, ${rows.val} validation; ` +
        `${videos.byKey.train} train videos, ${videos.byKey.val} validation videos, none in both`,
    );
    return { dataset: datasets };
  },
});
