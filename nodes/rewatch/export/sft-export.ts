import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defineOnceNode, pathField, promptField, type ItemCollection } from '../../sdk/index.ts';
import { CoTType, DatasetType, DenseCaptionType, MCQType, QAType, type Dataset } from '../types.ts';
import { writeJsonArray, writeJsonDocument, writeJsonLines } from './files.ts';
import {
  DEFAULT_CAPTION_INSTRUCTION,
  DEFAULT_DIRECT_INSTRUCTION,
  DEFAULT_OPEN_INSTRUCTION,
  DEFAULT_THINKING_INSTRUCTION,
} from './prompts.ts';
import { sampleKeys, seededOrder } from './sampling.ts';
import { videoCounts } from './video-counts.ts';
import { captionRow, cotRow, multipleChoiceRow, openRow, type SftInstructions, type SftRow, type SftTask } from './sft-rows.ts';

const SFT_FORMATS = ['llamafactory', 'ms-swift'] as const;
type SftFormat = (typeof SFT_FORMATS)[number];

const fraction = (task: string) =>
  z.number().min(0).max(1).default(1).meta({ description: `Share of the available ${task} rows to include (1 = all).` });

const config = z.object({
  outputDir: pathField('Folder the dataset files are written to (LLaMA-Factory’s `dataset_dir`); created as needed.'),
  name: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('rewatch_sft')
    .meta({ description: 'Dataset name: the key in dataset_info.json and the stem of the data files.' }),
  formats: z
    .array(z.enum(SFT_FORMATS))
    .min(1)
    .default([...SFT_FORMATS])
    .meta({ description: 'Trainer formats to write: LLaMA-Factory sharegpt (.json + dataset_info.json), ms-swift (.jsonl).' }),
  ratios: z
    .object({ caption: fraction('caption (L_Cap)'), direct: fraction('direct-answer (L_QA)'), cot: fraction('thinking (L_CoT)') })
    .default({ caption: 1, direct: 1, cot: 1 })
    .meta({ description: 'The task mix: the share of each task’s rows to include, chosen by the seed.' }),
  seed: z.number().int().default(0).meta({ description: 'Seed of the row sampling and of the shuffle that mixes the tasks.' }),
  systemPrompt: promptField('', 'System message of every row; leave empty for none.'),
  captionInstruction: promptField(DEFAULT_CAPTION_INSTRUCTION, 'Caption task: the user turn after the video.'),
  directInstruction: promptField(
    DEFAULT_DIRECT_INSTRUCTION,
    'I_direct for multiple-choice questions: follows the question and options.',
  ),
  openInstruction: promptField(DEFAULT_OPEN_INSTRUCTION, 'I_direct for open questions: follows the question.'),
  thinkingInstruction: promptField(DEFAULT_THINKING_INSTRUCTION, 'I_think: follows the question of a thinking (CoT) row.'),
});

/** The rows one input port can give one task, with the ids that identify them for sampling. */
interface RowSource {
  task: SftTask;
  keys(): string[];
  rows(selected: ReadonlySet<string>, onError: (key: string, error: Error) => void): Iterable<PickedRow>;
}

interface PickedRow {
  key: string;
  videoId: string;
  row: SftRow;
}

function rowSource<T extends { id: string; videoId: string }>(
  task: SftTask,
  kind: string,
  items: ItemCollection<T>,
  build: (item: T) => SftRow,
): RowSource {
  const keyOf = (item: T) => `${kind}:${item.id}`;
  return {
    task,
    keys: () => Array.from(items, keyOf),
    *rows(selected, onError) {
      const done = new Set<string>();
      for (const item of items) {
        const key = keyOf(item);
        if (!selected.has(key) || done.has(key)) continue;
        done.add(key);
        try {
          yield { key, videoId: item.videoId, row: build(item) };
        } catch (error) {
          onError(key, error as Error);
        }
      }
    },
  };
}

/** LLaMA-Factory's entry for the data file; `system_tag` only when rows open with a system message (see below). */
function datasetInfo(name: string, withSystem: boolean) {
  return {
    [name]: {
      file_name: `${name}.json`,
      formatting: 'sharegpt',
      columns: { messages: 'messages', videos: 'videos' },
      tags: {
        role_tag: 'role',
        content_tag: 'content',
        user_tag: 'user',
        assistant_tag: 'assistant',
        // Once `tags` is given, LLaMA-Factory reads every tag from it and an absent `system_tag` becomes None, which
        // drops each row that starts with a system message as having an invalid role.
        ...(withSystem ? { system_tag: 'system' } : {}),
      },
    },
  };
}

export const sftExport = defineOnceNode({
  type: 'rewatch.sft-export',
  version: 1,
  title: 'SFT dataset export',
  category: 'Export',
  description:
    'Writes the multi-task SFT set (L_Cap + L_QA + L_CoT): caption rows (video → C_detail lines), direct-answer rows ' +
    '(question under I_direct → letter or answer) and thinking rows (question under I_think → CoT), sampled by ' +
    'task ratios and mixed by a seeded shuffle, as LLaMA-Factory sharegpt (.json + dataset_info.json) and ms-swift ' +
    'JSONL. Every row has one `<video>` and one absolute video path.',
  // Its output depends only on inputs and config, but it writes files: declared non-deterministic so it writes on
  // every run and the files on disk always match the graph, even after someone changed or deleted them.
  deterministic: false,
  inputs: {
    captions: { type: DenseCaptionType, description: 'Dense captions (C_detail) for the caption task.' },
    questions: { type: MCQType, description: 'Multiple-choice questions for the direct-answer task.' },
    open: { type: QAType, description: 'Open questions for the direct-answer task.', optional: true },
    cots: { type: CoTType, description: 'Re-watching chains of thought for the thinking task.' },
  },
  outputs: {
    dataset: { type: DatasetType, description: 'One item per format written: rows per task, files, the first rows.' },
  },
  config,
  async execute(ctx, { captions, questions, open, cots }, c) {
    const instructions: SftInstructions = {
      system: c.systemPrompt,
      caption: c.captionInstruction,
      direct: c.directInstruction,
      open: c.openInstruction,
      thinking: c.thinkingInstruction,
    };
    const sources = [
      rowSource('caption', 'caption', captions, (x) => captionRow(x, instructions)),
      rowSource('direct', 'mcq', questions, (x) => multipleChoiceRow(x, instructions)),
      rowSource('direct', 'open', open, (x) => openRow(x, instructions)),
      rowSource('cot', 'cot', cots, (x) => cotRow(x, instructions)),
    ];
    const selected = new Map<SftTask, Set<string>>();
    for (const task of ['caption', 'direct', 'cot'] as const) {
      const keys = sources.filter((s) => s.task === task).flatMap((s) => s.keys());
      selected.set(task, sampleKeys(keys, c.ratios[task], c.seed, `sft-sample:${task}`));
    }

    const picked: Array<PickedRow & { task: SftTask }> = [];
    const skip = (key: string, error: Error) => ctx.log.warn(`${key} left out: ${error.message}`);
    for (const source of sources) {
      for (const row of source.rows(selected.get(source.task)!, skip)) picked.push({ task: source.task, ...row });
    }
    const mixed = seededOrder(picked, (p) => p.key, c.seed, 'sft-mix');
    const rows = mixed.map((p) => p.row);
    const counts = { caption: 0, direct: 0, cot: 0 };
    for (const p of mixed) counts[p.task] += 1;
    const videos = videoCounts(
      Object.fromEntries(Object.keys(counts).map((task) => [task, picked.filter((p) => p.task === task).map((p) => p.videoId)])),
    );

    const outputDir = resolve(c.outputDir);
    const withSystem = Boolean(c.systemPrompt.trim());
    const datasets: Dataset[] = [];
    for (const format of new Set<SftFormat>(c.formats)) {
      const files =
        format === 'llamafactory'
          ? [
              await writeJsonArray(join(outputDir, `${c.name}.json`), rows, ctx.signal),
              await writeJsonDocument(join(outputDir, 'dataset_info.json'), datasetInfo(c.name, withSystem), ctx.signal),
            ]
          : [await writeJsonLines(join(outputDir, `${c.name}.jsonl`), rows, ctx.signal)];
      datasets.push({ stage: 'sft', format, rows: { ...counts }, files, sample: rows.slice(0, 3), videos });
    }
    ctx.progress.update(rows.length, rows.length);
    ctx.log.info(
      `${rows.length} rows from ${videos.total} videos: ${counts.caption} caption, ${counts.direct} direct, ${counts.cot} thinking`,
    );
    return { dataset: datasets };
  },
});
