import { existsSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import { PAPER_VIDEO_BUDGET } from '../../nodes/sdk/video-budget.ts';
import { realSlurmAvailable, startSlurm, type SlurmCluster } from '../hosts/slurm-cluster.ts';
import { tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { freePort, sshdAvailable, startSshd, type TestSshd } from '../support/sshd.ts';
import { easyR1Metrics, engineWithHosts, grpoDataset, judgeProviders, launchGraph, logsOf, trainingRunOf, type TrainEngine } from './harness.ts';
import { until } from '../support/until.ts';

const skipReason = !sshdAvailable()
  ? 'no sshd (apt-get install -y openssh-server)'
  : !realSlurmAvailable()
    ? 'no Slurm to start (needs root and slurmctld, slurmd, munged, sbatch: apt-get install -y slurm-wlm munge)'
    : undefined;
if (skipReason) console.warn(`skipping GRPO and model serving on a real Slurm: ${skipReason}`);

/** An IPv4 address of this machine other than loopback: how another node of a cluster would reach it. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
}

/**
 * The GRPO launcher on a `slurm` host: the login node is the test sshd, the job runs through sbatch on the single
 * Slurm node (this machine), and the reward server is reached the way a compute node reaches it — through the relay
 * on the login node, by the login node's host name.
 */
describe.skipIf(skipReason !== undefined)('GRPO training and model serving on a real single-node Slurm', () => {
  const dir = tempDir('rewatch-grpo-slurm-');
  const dataDir = join(dir.path, 'data');
  let slurm: SlurmCluster;
  let sshd: TestSshd;
  let providers: ProviderProfile[];
  let t: TrainEngine;

  beforeAll(async () => {
    slurm = await startSlurm();
    sshd = await startSshd({ env: { SLURM_CONF: slurm.conf } });
    providers = judgeProviders(dataDir);
    const cluster = { name: 'cluster', kind: 'slurm' as const, login: sshd.login(), partition: slurm.partition, timeLimit: '00:10:00' };
    t = engineWithHosts(dataDir, [cluster], providers);
  });
  afterAll(async () => {
    await t?.engine.close();
    await sshd?.stop();
    await slurm?.stop();
    dir.remove();
  });

  it('trains as a batch job that calls the reward server through the login node, with metrics and a checkpoint', async () => {
    const gate = join(sshd.workDir, 'slurm-gate');
    const config = { command: ['easyr1-train'], extraArgs: [`fake_gate=${gate}`] };
    const { runId } = await t.engine.startRun({ graph: launchGraph('rewatch.grpo-launcher', [grpoDataset(join(dir.path, 'export'))], config, 'cluster') });
    // The trainer waits at the gate after step 2, so the relay is certainly up while this looks at it.
    await until(() => logsOf(t.events, runId).includes('Step 2'), () => `no step 2 yet:\n${logsOf(t.events, runId).join('\n')}\n${slurm.log()}`);
    const logs = logsOf(t.events, runId).join('\n');
    const [, host, port] = /reachable from cluster at (\S+):(\d+)/.exec(logs) ?? [];
    expect(host).toBe(hostname());
    expect(logs).toContain(`reward=http://${hostname()}:${port}`);
    // Not only the login node's loopback: the relay answers on the address other nodes use.
    const health = await fetch(`http://${externalAddress()}:${port}/v1/health`);
    expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
    writeFileSync(gate, '');

    expect(await t.engine.waitForRun(runId)).toBe('done');
    const run = await trainingRunOf(t.engine, runId);
    expect(run).toMatchObject({ trainer: 'easyr1', host: 'cluster', exitCode: 0 });
    expect(run.metrics).toEqual(easyR1Metrics(3));
    expect(existsSync(join(run.checkpointPath, 'global_step_3', 'actor'))).toBe(true);
    expect(t.hosts.jobStore.get(run.jobId)).toMatchObject({ kind: 'slurm', host: 'cluster' });
    // Each step's rollouts were scored by the app's reward server (it answers these unknown captions with an error).
    const answers = logsOf(t.events, runId).filter((l) => l.startsWith('reward server: '));
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatch(/caption-missing/);
  });

  it('serves a model as a batch job on the compute node, reached through the login node', async () => {
    const port = await freePort();
    const graph = {
      format: 'rewatch-studio/graph' as const,
      version: 1 as const,
      name: 'served-on-slurm',
      nodes: [
        { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: writeJsonl(join(dir.path, 'items.jsonl'), [{ n: 1 }, { n: 2 }]) } },
        { id: 'serve', type: 'rewatch.model-server', typeVersion: 1, position: { x: 0, y: 200 }, config: { profile: 'policy', model: 'org/policy', hosts: ['cluster'], port } },
        { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 200, y: 0 }, config: { provider: 'policy', prompt: 'Count {{n}}' } },
      ],
      edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } }],
    };
    const { runId } = await t.engine.startRun({ graph });
    expect(await t.engine.waitForRun(runId)).toBe('done');
    const replies = (await t.engine.nodeOutput(runId, 'ask', 'items', {})).items.map((i) => (i.data as { output: string }).output);
    expect(replies).toEqual([1, 2].map((n) => `model=org/policy limit={"image": ${PAPER_VIDEO_BUDGET.maxFrames}, "video": 1} port=${port} said=Count ${n}`));
    const job = t.hosts.jobStore.list('cluster').at(-1);
    expect(job).toMatchObject({ kind: 'slurm', name: 'vllm_org_policy' });
    // Stopped with the run: scancel'd.
    expect((await (await t.hosts('cluster').attachJob(job!.id)).status()).state).toBe('exited');
  });
});
