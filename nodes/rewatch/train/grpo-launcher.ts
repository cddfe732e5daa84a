import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { writeRewardFiles } from '../reward/python/index.ts';
import { defineOnceNode, providerField, renameConfigFields, videoBudgetField } from '../../sdk/index.ts';
import { DatasetType } from '../types.ts';
import { framesCap, trainerMaxPixelsField } from '../qwen-vision.ts';
import { datasetOf, fileNamed, withHostVideos } from './dataset-files.ts';
import { easyR1Config, type EasyR1Settings } from './easyr1-config.ts';
import { FRAME_CAP_FILE, frameCapModule, withRunFolderOnPythonPath } from './easyr1-frame-cap.ts';
import { runTrainingJob } from './host-job.ts';
import { openRewardSession } from './reward-session.ts';
import { TrainingRunType } from './types.ts';

const REWARD_FILE = 'rewatch_reward_easyr1.py';

export const grpoLauncherConfig = z.object({
  model: z.string().min(1).default('Qwen/Qwen2.5-VL-7B-Instruct').meta({
    description: 'Policy to train (`worker.actor.model.model_path`): a Hugging Face id or a folder on the host, e.g. the SFT checkpoint.',
  }),
  command: z.array(z.string().min(1)).min(1).default(['python3', '-m', 'verl.trainer.main']).meta({
    description: 'The EasyR1 trainer command; `config=easyr1.yaml` and the extra arguments follow it.',
  }),
  rolloutN: z.number().int().positive().default(8).meta({ description: 'Rollouts per question (`worker.rollout.n`).' }),
  temperature: z.number().min(0).max(2).default(0.8).meta({ description: 'Rollout temperature.' }),
  topP: z.number().gt(0).max(1).default(0.9).meta({ description: 'Rollout top_p.' }),
  fps: videoBudgetField('fps', 'Frames sampled per second of video (`data.video_fps`); the graph’s video budget unless set here.'),
  maxFrames: videoBudgetField(
    'maxFrames',
    'At most this many frames per video; the graph’s video budget unless set here. EasyR1 has no setting for it: the job caps qwen-vl-utils’ frames itself.',
  ),
  maxPixels: trainerMaxPixelsField('At most this many pixels per video frame (`data.max_pixels`); the graph’s video budget unless set here.'),
  promptTextTokens: z.number().int().positive().default(1024).meta({
    description: 'Prompt tokens allowed besides the video (template, question, options, instruction); `data.max_prompt_length` is the video’s tokens at the frame and pixel caps plus this.',
  }),
  maxResponseTokens: z.number().int().positive().default(4096).meta({
    description: 'Longest rollout (`data.max_response_length`): room for the re-watching CoT.',
  }),
  epochs: z.number().int().positive().default(1).meta({ description: 'Training epochs (`trainer.total_epochs`).' }),
  checkpointDir: z.string().default('checkpoints').meta({
    description: 'Checkpoint folder on the host (`trainer.save_checkpoint_path`); relative paths are inside the job’s run folder.',
  }),
  judgeProfile: providerField('judge-llm', 'M_judge of the O&R reward server this node runs while the job trains.'),
  inferProfile: z.string().default('').meta({ description: 'M_infer profile of the reward; empty for the judge’s.' }),
  extraArgs: z.array(z.string()).default([]).meta({
    description: 'More EasyR1 overrides as `key=value` arguments (e.g. `worker.actor.global_batch_size=128`).',
  }),
});
type Config = z.output<typeof grpoLauncherConfig>;

/** What the launcher writes into EasyR1's config for a node config. */
export function easyR1Settings(c: Config): EasyR1Settings {
  return {
    model: c.model,
    rolloutN: c.rolloutN,
    temperature: c.temperature,
    topP: c.topP,
    epochs: c.epochs,
    checkpointDir: c.checkpointDir,
    video: { fps: c.fps, maxFrames: c.maxFrames, maxPixels: c.maxPixels },
    promptTextTokens: c.promptTextTokens,
    maxResponseTokens: c.maxResponseTokens,
    rewardFunction: `./${REWARD_FILE}:compute_score`,
  };
}

export const grpoLauncher = defineOnceNode({
  type: 'rewatch.grpo-launcher',
  version: 2,
  // Version 2 names its video budget as the graph's, which it inherits when a value is left unset.
  migrations: { 1: renameConfigFields({ videoFps: 'fps', maxFramePixels: 'maxPixels' }) },
  title: 'GRPO training (EasyR1)',
  category: 'Training',
  description:
    'Trains with GRPO on the EasyR1 questions of the GRPO export: uploads them and their videos to the node’s host, ' +
    'writes the EasyR1 config (video budget; prompt and response lengths derived from it) with a frame cap for ' +
    'qwen-vl-utils and the O&R reward function file, serves the reward from this app through a reverse ' +
    'tunnel while the job runs, and streams the log with reward, accuracy and KL as metrics. A re-run with the same ' +
    'settings re-attaches to the job instead of training again.',
  deterministic: false,
  inputs: {
    dataset: { type: DatasetType, description: 'The GRPO export’s datasets; the EasyR1 one is used.' },
  },
  outputs: {
    run: { type: TrainingRunType, description: 'The finished job: checkpoint folder and training metrics.' },
  },
  config: grpoLauncherConfig,
  async execute(ctx, { dataset }, c) {
    const chosen = datasetOf(dataset, 'easyr1');
    const train = await withHostVideos(ctx, fileNamed(chosen, (n) => n === 'train.jsonl', 'train.jsonl'), true);
    const val = await withHostVideos(ctx, fileNamed(chosen, (n) => n === 'val.jsonl', 'val.jsonl'), true);
    const settings = easyR1Settings(c);
    const configFile = join(ctx.storage.workDir, 'easyr1.yaml');
    await writeFile(configFile, YAML.stringify(easyR1Config(settings), { lineWidth: 0 }));
    const frameCap = join(ctx.storage.workDir, FRAME_CAP_FILE);
    await writeFile(frameCap, frameCapModule(framesCap(settings.video)));
    // The URL in the file is only a default: the job's REWATCH_REWARD_URL points at the tunnel.
    const rewardFiles = await writeRewardFiles(join(ctx.storage.workDir, 'reward'), { url: 'http://127.0.0.1:8321' });

    const run = await runTrainingJob(ctx, {
      trainer: 'easyr1',
      files: [
        { name: 'train.jsonl', localPath: train },
        { name: 'val.jsonl', localPath: val },
        { name: 'easyr1.yaml', localPath: configFile },
        { name: REWARD_FILE, localPath: rewardFiles.easyr1 },
        { name: FRAME_CAP_FILE, localPath: frameCap },
      ],
      argv: withRunFolderOnPythonPath([...c.command, 'config=easyr1.yaml', ...c.extraArgs]),
      outputDir: c.checkpointDir,
      openSession: (previous) => openRewardSession(ctx, { judge: c.judgeProfile, infer: c.inferProfile }, previous),
    });
    ctx.log.info(`checkpoints in ${run.checkpointPath} on ${run.host} (${run.metrics.length} logged steps)`);
    return { run: [run] };
  },
});
