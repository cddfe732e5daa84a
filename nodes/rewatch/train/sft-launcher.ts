import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { defineOnceNode, renameConfigFields, videoBudgetField } from '../../sdk/index.ts';
import { DatasetType } from '../types.ts';
import { datasetOf, fileNamed, withHostVideos } from './dataset-files.ts';
import { runTrainingJob } from './host-job.ts';
import { TrainingRunType } from './types.ts';

const config = z.object({
  model: z.string().min(1).default('Qwen/Qwen2.5-VL-7B-Instruct').meta({
    description: 'Base model (`model_name_or_path`): a Hugging Face id or a folder on the host.',
  }),
  finetuningType: z.enum(['full', 'lora']).default('full').meta({ description: 'Full fine-tuning or LoRA.' }),
  loraRank: z.number().int().positive().default(8).meta({ description: 'LoRA rank (`lora_rank`, LoRA only; targets all layers).' }),
  template: z.string().min(1).default('qwen2_vl').meta({ description: 'LLaMA-Factory chat template.' }),
  fps: videoBudgetField('fps', 'Frames sampled per second of video (`video_fps`); the graph’s video budget unless set here.'),
  maxFrames: videoBudgetField('maxFrames', 'Most frames per video (`video_maxlen`); the graph’s video budget unless set here.'),
  maxPixels: videoBudgetField('maxPixels', 'Most pixels per video frame (`video_max_pixels`); the graph’s video budget unless set here.'),
  cutoffLen: z.number().int().positive().default(16384).meta({ description: 'Longest tokenised row (`cutoff_len`).' }),
  learningRate: z.number().positive().default(1e-5).meta({ description: 'Peak learning rate.' }),
  epochs: z.number().positive().default(3).meta({ description: 'Training epochs (`num_train_epochs`).' }),
  deepspeed: z.string().default('').meta({ description: 'DeepSpeed config file on the host (e.g. ds_z3_config.json); empty for none.' }),
  outputDir: z.string().default('output').meta({
    description: 'Checkpoint folder on the host; relative paths are inside the job’s run folder.',
  }),
  freezeVisionTower: z.boolean().default(true).meta({ description: 'Keep the vision encoder frozen.' }),
  bf16: z.boolean().default(true).meta({ description: 'Train in bfloat16.' }),
  extra: z.record(z.string(), z.unknown()).default({}).meta({
    description: 'More LLaMA-Factory YAML keys (batch size, logging_steps, report_to…); they override the fields above.',
  }),
});
type Config = z.output<typeof config>;

/**
 * LLaMA-Factory's training YAML (keys as `llamafactory-cli train` reads them); the data is in the run folder. The video
 * budget goes to `ProcessorArguments` (hiyouga/LLaMA-Factory src/llamafactory/hparams/model_args.py at
 * ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30: `video_fps`, `video_maxlen`, `video_max_pixels`, whose own defaults are
 * 2, 128 and 256·256, with `video_min_pixels` 16·16 below every cap the budget allows).
 */
function trainingYaml(c: Config, dataset: string): string {
  return YAML.stringify({
    model_name_or_path: c.model,
    stage: 'sft',
    do_train: true,
    finetuning_type: c.finetuningType,
    ...(c.finetuningType === 'lora' ? { lora_rank: c.loraRank, lora_target: 'all' } : {}),
    freeze_vision_tower: c.freezeVisionTower,
    template: c.template,
    dataset,
    dataset_dir: '.',
    cutoff_len: c.cutoffLen,
    video_fps: c.fps,
    video_maxlen: c.maxFrames,
    video_max_pixels: c.maxPixels,
    ...(c.deepspeed ? { deepspeed: c.deepspeed } : {}),
    learning_rate: c.learningRate,
    num_train_epochs: c.epochs,
    bf16: c.bf16,
    output_dir: c.outputDir,
    ...c.extra,
  }, { lineWidth: 0 });
}

export const sftLauncher = defineOnceNode({
  type: 'rewatch.sft-launcher',
  version: 2,
  // Version 2 names its video budget as the graph's, which it inherits when a value is left unset (an unset
  // videoMaxlen meant 128 frames; the budget's default is the paper's 192).
  migrations: { 1: renameConfigFields({ videoFps: 'fps', videoMaxlen: 'maxFrames', videoMaxPixels: 'maxPixels' }) },
  title: 'SFT training (LLaMA-Factory)',
  category: 'Training',
  description:
    'Trains on the LLaMA-Factory dataset of the SFT export: uploads the data and its videos to the node’s host (once ' +
    'per content), writes dataset_info.json and the training YAML, runs `llamafactory-cli train` there as a detached ' +
    'job and streams its log, with loss, learning rate and epoch as metrics. A re-run with the same settings ' +
    're-attaches to the job instead of training again.',
  deterministic: false,
  inputs: {
    dataset: { type: DatasetType, description: 'The SFT export’s datasets; the LLaMA-Factory one is used.' },
  },
  outputs: {
    run: { type: TrainingRunType, description: 'The finished job: checkpoint folder and training metrics.' },
  },
  config,
  async execute(ctx, { dataset }, c) {
    const chosen = datasetOf(dataset, 'llamafactory');
    const dataPath = fileNamed(chosen, (n) => n.endsWith('.json') && n !== 'dataset_info.json', 'data file (.json)');
    const dataName = basename(dataPath);
    const infoPath = chosen.files.find((f) => basename(f.path) === 'dataset_info.json')?.path;
    const info = infoPath ? (JSON.parse(await readFile(infoPath, 'utf8')) as Record<string, { file_name?: string }>) : {};
    const [name, entry] = Object.entries(info).find(([, e]) => e.file_name === dataName) ?? [
      dataName.replace(/\.json$/, ''),
      { file_name: dataName, formatting: 'sharegpt', columns: { messages: 'messages', videos: 'videos' } },
    ];

    const data = await withHostVideos(ctx, dataPath, false);
    const infoFile = join(ctx.storage.workDir, 'dataset_info.json');
    await writeFile(infoFile, `${JSON.stringify({ [name]: { ...entry, file_name: dataName } }, null, 2)}\n`);
    const yamlFile = join(ctx.storage.workDir, 'train.yaml');
    await writeFile(yamlFile, trainingYaml(c, name));

    const run = await runTrainingJob(ctx, {
      trainer: 'llamafactory',
      files: [
        { name: dataName, localPath: data },
        { name: 'dataset_info.json', localPath: infoFile },
        { name: 'train.yaml', localPath: yamlFile },
      ],
      argv: ['llamafactory-cli', 'train', 'train.yaml'],
      outputDir: c.outputDir,
    });
    ctx.log.info(`checkpoints in ${run.checkpointPath} on ${run.host} (${run.metrics.length} logged steps)`);
    return { run: [run] };
  },
});
