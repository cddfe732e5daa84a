import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { createHostResolver, type HostResolver } from '../../main/hosts/index.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import type { RunEvent } from '../../main/api/contract.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { DatasetType, type Dataset } from '../../nodes/rewatch/types.ts';
import { grpoLauncher } from '../../nodes/rewatch/train/grpo-launcher.ts';
import { sftLauncher } from '../../nodes/rewatch/train/sft-launcher.ts';
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
  const registry = { hosts: sshd ? [{ name: 'box', kind: 'ssh' as const, ...sshd.login() }] : [] };
  const hosts = createHostResolver(registry, { dataDir });
  const engine = new Engine({ dataDir, catalog: trainCatalog, providers, hosts, llmBackoff: { baseMs: 5, capMs: 50 } });
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
    format: 'llamafactory',
    rows: { caption: 0, direct: 2, cot: 0 },
    files: [file(join(dir, 'rewatch_sft.json'), 2), file(join(dir, 'dataset_info.json'), 0)],
    sample: [],
  };
}

export function logsOf(events: RunEvent[], runId: string, nodeId = 'train'): string[] {
  return events.flatMap((e) => (e.type === 'node-log' && e.runId === runId && e.nodeId === nodeId ? [e.message] : []));
}
