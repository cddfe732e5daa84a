import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { createHostResolver, type HostConfig, type HostResolver } from '../../main/hosts/index.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import type { RunEvent } from '../../main/api/contract.ts';
import { nodeDefinitions, servedReward } from '../../nodes/index.ts';
import { DatasetType, type Dataset } from '../../nodes/rewatch/types.ts';
import { grpoLauncher } from '../../nodes/rewatch/train/grpo-launcher.ts';
import { sftLauncher } from '../../nodes/rewatch/train/sft-launcher.ts';
import type { TrainingMetric, TrainingRun } from '../../nodes/rewatch/train/types.ts';
import { itemSource } from '../support/item-sources.ts';
import type { TestSshd } from '../support/sshd.ts';

export const datasetSource = itemSource('test.datasets', { dataset: DatasetType });
const known = new Set(nodeDefinitions.map((d) => d.type));
const mine = [datasetSource, sftLauncher, grpoLauncher].filter((d) => !known.has(d.type));
export const trainCatalog = new NodeCatalog([...nodeDefinitions, ...mine]);

export interface TrainEngine {
  engine: Engine;
  hosts: HostResolver;
  events: RunEvent[];
}

/** An engine whose hosts are `local` and, with an sshd, `box` (the test sshd, fake trainers on its PATH). */
export function trainEngine(dataDir: string, sshd?: TestSshd, providers: ProviderProfile[] = []): TrainEngine {
  return engineWithHosts(dataDir, sshd ? [boxHost(sshd)] : [], providers);
}

/** `box`: the test sshd as an SSH host. */
export function boxHost(sshd: TestSshd): HostConfig {
  return { name: 'box', kind: 'ssh', ...sshd.login() };
}

/** An engine whose hosts are `local` and `hosts`. */
export function engineWithHosts(dataDir: string, hostConfigs: HostConfig[], providers: ProviderProfile[] = []): TrainEngine {
  const hosts = createHostResolver({ hosts: hostConfigs }, { dataDir });
  const engine = new Engine({ dataDir, catalog: trainCatalog, reward: servedReward, providers, hosts, llmBackoff: { baseMs: 5, capMs: 50 } });
  const events: RunEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, hosts, events };
}

/** A graph: the datasets → the launcher (`type`) on `host`. */
export function launchGraph(type: string, datasets: Dataset[], config: Record<string, unknown>, host?: string): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'train',
    nodes: [
      { id: 'data', type: 'test.datasets', typeVersion: 1, position: { x: 0, y: 0 }, config: { dataset: datasets } },
      { id: 'train', type, typeVersion: 1, position: { x: 200, y: 0 }, config, ...(host ? { host } : {}) },
    ],
    edges: [{ id: 'e1', from: { node: 'data', port: 'dataset' }, to: { node: 'train', port: 'dataset' } }],
  };
}

const file = (path: string, rows: number) => ({ path, rows, bytes: 0, sha256: '' });

/** An SFT export's LLaMA-Factory output (data file, dataset_info.json, two videos) in `dir`. */
export function sftDataset(dir: string): Dataset {
  mkdirSync(dir, { recursive: true });
  const videos = ['clip a.mp4', 'clip b.mp4'].map((name, i) => {
    writeFileSync(join(dir, name), `not really a video ${i}`);
    return join(dir, name);
  });
  const rows = videos.map((v, i) => ({
    messages: [
      { role: 'user', content: `<video>What happens in clip ${i}?` },
      { role: 'assistant', content: 'A cat jumps.' },
    ],
    videos: [v],
  }));
  writeFileSync(join(dir, 'rewatch_sft.json'), JSON.stringify(rows));
  const info = {
    rewatch_sft: {
      file_name: 'rewatch_sft.json',
      formatting: 'sharegpt',
      columns: { messages: 'messages', videos: 'videos' },
      tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
    },
  };
  writeFileSync(join(dir, 'dataset_info.json'), JSON.stringify(info));
  return {
    stage: 'sft',
    format: 'llamafactory',
    rows: { caption: 0, direct: 2, cot: 0 },
    files: [file(join(dir, 'rewatch_sft.json'), 2), file(join(dir, 'dataset_info.json'), 0)],
    sample: [],
    videos: { total: 2, byKey: { caption: 0, direct: 2, cot: 0 }, shared: 0 },
  };
}

export function logsOf(events: RunEvent[], runId: string, nodeId = 'train'): string[] {
  return events.flatMap((e) => (e.type === 'node-log' && e.runId === runId && e.nodeId === nodeId ? [e.message] : []));
}

/** The TrainingRun a run's launcher node (`train`) output. */
export async function trainingRunOf(engine: Engine, runId: string): Promise<TrainingRun> {
  const page = await engine.nodeOutput(runId, 'train', 'run', { limit: 10 });
  if (page.items.length !== 1) throw new Error(`run ${runId}: the launcher output ${page.items.length} runs`);
  return page.items[0]!.data as TrainingRun;
}

/** A GRPO export's EasyR1 output (train.jsonl, val.jsonl, one video) in `dir`; its captions are unknown to the reward. */
export function grpoDataset(dir: string): Dataset {
  mkdirSync(dir, { recursive: true });
  const video = join(dir, 'clip.mp4');
  writeFileSync(video, 'not really a video');
  const row = (id: string) => ({
    problem: '<video>How many cats jump?\nA. one\nB. two',
    answer: JSON.stringify({ answer: 'A', caption_id: 'caption-missing', question_id: id, type: 'counting', question: 'How many cats jump?' }),
    videos: [video],
  });
  writeFileSync(join(dir, 'train.jsonl'), `${JSON.stringify(row('q1'))}\n${JSON.stringify(row('q2'))}\n`);
  writeFileSync(join(dir, 'val.jsonl'), `${JSON.stringify(row('q3'))}\n`);
  return {
    stage: 'grpo',
    format: 'easyr1',
    rows: { train: 2, val: 1 },
    files: [file(join(dir, 'train.jsonl'), 2), file(join(dir, 'val.jsonl'), 1)],
    sample: [],
    videos: { total: 1, byKey: { train: 1, val: 1 }, shared: 1 },
  };
}

/**
 * The judge profile the GRPO launcher's reward server needs to start, written to the data dir's providers.yaml (the
 * reward server reads it there) and returned for the engine's validation. Nothing reaches it: the test items' caption
 * is unknown to the server, which answers each with an error.
 */
export function judgeProviders(dataDir: string): ProviderProfile[] {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'providers.yaml'), 'providers:\n  - { name: judge-llm, baseURL: "http://127.0.0.1:9/v1", model: judge }\n');
  return [{ name: 'judge-llm', baseURL: 'http://127.0.0.1:9/v1', model: 'judge', maxConcurrency: 1, timeoutMs: 1000, maxRetries: 0, structuredOutputs: true }];
}

/** The metrics the fake easyr1-train logs for `steps` steps, as EasyR1 prints them (3 decimal places). */
export function easyR1Metrics(steps: number): TrainingMetric[] {
  const printed = (x: number) => Math.round(x * 1000) / 1000;
  return Array.from({ length: steps }, (_, i) => {
    const step = i + 1;
    return { step, reward: printed(step / 10), accuracy: printed(step / 4), kl: printed(step / 1000), loss: printed(0.5 / step), learningRate: 1e-6 };
  });
}

/** EasyR1's config fields as dotted paths, written by hand from its dataclasses at the commit the fixture names. */
export const EASYR1_CONFIG_FIELDS = JSON.parse(readFileSync(new URL('./fixtures/easyr1-config-fields.json', import.meta.url), 'utf8')) as {
  commit: string;
  fields: string[];
};

/** Dotted paths of a config tree's leaves (lists are values, as OmegaConf merges them). */
export function leafPaths(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? leafPaths(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
