import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, tempDir } from '../support/engine-fixture.ts';
import { EASYR1_CONFIG_FIELDS, grpoDataset, judgeProviders, launchGraph, leafPaths, logsOf, trainEngine, trainingRunOf, type TrainEngine } from './harness.ts';

const FAKE_EASYR1 = fileURLToPath(new URL('../support/fake-tools/easyr1-train', import.meta.url));

describe('rewatch.grpo-launcher on this machine', () => {
  const dir = tempDir('rewatch-grpo-local-');
  let t: TrainEngine;
  beforeAll(() => {
    const dataDir = join(dir.path, 'data');
    t = trainEngine(dataDir, undefined, judgeProviders(dataDir));
  });
  afterAll(async () => {
    await t.engine.close();
    dir.remove();
  });

  it('starts EasyR1 with a config of known fields and the frame cap loaded in the trainer’s process', async () => {
    const graph = launchGraph('rewatch.grpo-launcher', [grpoDataset(join(dir.path, 'export'))], { command: [FAKE_EASYR1], maxFrames: 128 });
    const detail = await runToEnd(t.engine, graph);
    expect(detail.nodes.find((n) => n.nodeId === 'train')?.error ?? null).toBeNull();
    const run = await trainingRunOf(t.engine, detail.runId);
    const config = YAML.parse(readFileSync(join(run.checkpointPath, '..', 'easyr1.yaml'), 'utf8')) as object;
    expect(leafPaths(config).filter((path) => !EASYR1_CONFIG_FIELDS.fields.includes(path))).toEqual([]);
    expect(config).toMatchObject({ worker: { rollout: { n: 8, temperature: 0.8, top_p: 0.9 } }, data: { video_fps: 2 } });
    const logs = logsOf(t.events, detail.runId);
    expect(logs).toContain('frame cap: 128');
    expect(logs.some((l) => l.startsWith('reward server: '))).toBe(true);
  });
});
