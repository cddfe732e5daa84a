import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { combineReward } from '../../nodes/rewatch/reward/o-and-r.ts';
import { tempDir } from '../support/engine-fixture.ts';
import type { ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { until } from '../support/until.ts';
import {
  caption,
  caseOf,
  dataDirOf,
  denseCaption,
  health,
  item,
  postBatch,
  startJudge,
  startRewardServer,
  storeCaptions,
  TOKEN,
  writeProviders,
  type StartedRewardServer,
} from './support.ts';

const parts = (r: { overall: unknown; accuracy: unknown; observation: unknown; reasoning: unknown; format: unknown }) => ({
  overall: r.overall,
  accuracy: r.accuracy,
  observation: r.observation,
  reasoning: r.reasoning,
  format: r.format,
});

describe('rewatch reward-server', () => {
  let dir: ReturnType<typeof tempDir>;
  let judge: ScriptedLlmServer;
  let reward: StartedRewardServer | undefined;

  beforeEach(async () => {
    dir = tempDir('rewatch-reward-');
    judge = await startJudge();
    await storeCaptions(dataDirOf(dir.path), [caption]);
  });

  afterEach(async () => {
    await reward?.close();
    reward = undefined;
    await judge.close();
    dir.remove();
  });

  const start = async (overrides = {}) => (reward = await startRewardServer(dataDirOf(dir.path), judge.baseURL, overrides));

  it('scores a batch with the O&R formula, in order, on hand-computed cases', async () => {
    const { url } = await start();
    const { status, json } = await postBatch(url, {
      items: [item('correct'), item('wrong'), item('malformed'), item('open'), item('direct')],
    });
    expect(status).toBe(200);
    expect(json.results.map(parts)).toEqual([
      // Correct letter, two well-formed pairs judged 1 and 0.5 (r_obs 0.75), M_infer recovers B: 1·(1+0.75+1)+1.
      { overall: 3.75, accuracy: 1, observation: 0.75, reasoning: 1, format: 1 },
      // Wrong letter: r_fmt only.
      { overall: 1, accuracy: 0, observation: 0, reasoning: 0, format: 1 },
      // Malformed tags: r_fmt 0; the one complete pair judged 1, M_infer says A: 1·(1+1+0)+0.
      { overall: 2, accuracy: 1, observation: 1, reasoning: 0, format: 0 },
      // Open question, judged by the LLM; the only observation is invented: 1·(1+0+1)+1.
      { overall: 3, accuracy: 1, observation: 0, reasoning: 1, format: 1 },
      // No pairs: 1·(1+0+0)+1.
      { overall: 2, accuracy: 1, observation: 0, reasoning: 0, format: 1 },
    ]);
    for (const r of json.results) {
      expect(r.error).toBeUndefined();
      expect(r.overall).toBe(combineReward({ rAcc: r.accuracy!, rObs: r.observation!, rRea: r.reasoning!, rFmt: r.format! }));
    }
    // The observation judge saw C_detail from the run store; the wrong answer cost no judge call, and the retrieval
    // pair that the correct and the malformed responses share was judged once.
    const observationPrompts = judge.requests.filter((r) => /^Observation: /m.test(String(r.messages[0]?.content)));
    expect(observationPrompts).toHaveLength(3);
    for (const r of observationPrompts) expect(String(r.messages[0]?.content)).toContain(caption.text);
    expect(judge.requests.filter((r) => caseOf(String(r.messages[0]?.content)) === 'wrong')).toEqual([]);
  });

  it('returns the judge notes when asked', async () => {
    const { url } = await start();
    const { json } = await postBatch(url, { items: [item('correct')], notes: true });
    expect(json.results[0]!.notes).toMatchObject({ accuracy: 'chose B, ground truth B', format: 'well-formed' });
    expect(json.results[0]!.notes!.observations.map((o) => o.score)).toEqual([1, 0.5]);
  });

  it('requires the token on /v1/reward but not on /v1/health, and rejects bodies that are not a batch', async () => {
    const { url } = await start();
    expect((await postBatch(url, { items: [item('correct')] }, null)).status).toBe(401);
    expect((await postBatch(url, { items: [item('correct')] }, 'wrong-token')).status).toBe(401);
    const viaQuery = await fetch(`${url}/v1/reward?token=${TOKEN}`, { method: 'POST', body: JSON.stringify({ items: [] }) });
    expect(viaQuery.status).toBe(401);
    expect(judge.requests).toHaveLength(0);

    const health = await fetch(`${url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, judge: 'judge-llm', infer: 'infer-llm', captions: { captions: 1, outputs: 1 } });

    expect((await postBatch(url, 'not json')).status).toBe(400);
    expect((await postBatch(url, { responses: [] })).status).toBe(400);
    expect((await postBatch(url, { items: [] })).json).toEqual({ results: [] });

    // DNS-rebinding defence while bound to loopback.
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      const request = get(`${url}/v1/health`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      request.on('error', reject);
    });
    expect(rebound).toBe(403);
  });

  it('reports an unknown caption id, a malformed ground truth or item as per-item errors', async () => {
    const { url } = await start();
    const { status, json } = await postBatch(url, {
      items: [
        item('correct', { captionId: 'no-such-caption' }),
        item('correct'),
        { response: 'x', ground_truth: 'B' },
        { response: 42 },
        'not an item',
      ],
    });
    expect(status).toBe(200);
    expect(json.results).toHaveLength(5);
    expect(json.results[0]).toMatchObject({ overall: null, format: null });
    expect(json.results[0]!.error).toContain('unknown caption id "no-such-caption"');
    expect(json.results[1]).toMatchObject({ overall: 3.75 });
    expect(json.results[1]!.error).toBeUndefined();
    expect(json.results[2]!.error).toContain('ground truth is not JSON');
    expect(json.results[3]!.error).toMatch(/response/);
    expect(json.results[4]!.error).toBeTruthy();
  });

  it('keeps a judge that fails for good an item error, never a failed batch', async () => {
    await judge.close();
    judge = await startJudge();
    const { url } = await start();
    // The judge's endpoint goes away mid-service: the LLM client retries, then the item fails alone.
    await judge.close();
    const { status, json } = await postBatch(url, { items: [item('correct'), item('wrong')] });
    expect(status).toBe(200);
    expect(json.results[0]!.error).toBeTruthy();
    expect(json.results[0]!.overall).toBeNull();
    // The wrong MC answer needs no judge at all.
    expect(parts(json.results[1]!)).toEqual({ overall: 1, accuracy: 0, observation: 0, reasoning: 0, format: 1 });
    judge = await startJudge();
  });

  it('serves a repeated batch from the request cache without new judge requests', async () => {
    const { url } = await start();
    const batch = { items: [item('correct'), item('open'), item('malformed')] };
    const first = await postBatch(url, batch);
    const paid = judge.requests.length;
    expect(paid).toBeGreaterThan(0);
    expect(first.json.results.map((r) => r.cached)).toEqual([false, false, false]);

    const second = await postBatch(url, batch);
    expect(judge.requests.length).toBe(paid);
    expect(second.json.results.map(parts)).toEqual(first.json.results.map(parts));
    expect(second.json.results.map((r) => r.cached)).toEqual([true, true, true]);
    expect((await health(url)).scorer).toMatchObject({ scored: 3, cacheHits: 3 });

    // Identical items inside one batch (GRPO rollouts often repeat) are scored once.
    const duplicate = item('correct', { case: 'twice' });
    const before = judge.requests.length;
    const dup = await postBatch(url, { items: [duplicate, duplicate, duplicate] });
    expect(dup.json.results.map((r) => r.overall)).toEqual([3.75, 3.75, 3.75]);
    expect((await health(url)).scorer).toMatchObject({ scored: 4, joined: 2 });
    // One M_infer call for the new question; its two observation verdicts were already in the LLM cache.
    expect(judge.requests.length - before).toBe(1);
  });

  it('pays no judge call twice across restarts: the LLM request cache lives in the run store', async () => {
    const batch = { items: [item('correct'), item('open')] };
    const first = await start();
    const expected = (await postBatch(first.url, batch)).json.results.map(parts);
    const paid = judge.requests.length;
    await first.close();

    const second = await start();
    const again = await postBatch(second.url, batch);
    expect(again.json.results.map(parts)).toEqual(expected);
    expect(again.json.results.map((r) => r.cached)).toEqual([false, false]); // new process: no result cache …
    expect(judge.requests.length).toBe(paid); // … but every judge reply came from the LLM cache
    const { llm } = await health(second.url);
    expect(llm.paid).toBe(0);
    expect(llm.cached).toBeGreaterThan(0);
  });

  it('finds captions a run stores while the server is up', async () => {
    const { url } = await start();
    const later = denseCaption('cap-2', [{ start: 0, end: 5, text: 'He opens a red door with his left hand.' }]);
    const before = await postBatch(url, { items: [item('direct', { captionId: 'cap-2' })] });
    expect(before.json.results[0]!.error).toContain('unknown caption id');

    await storeCaptions(dataDirOf(dir.path), [later], 'later-captions');
    const after = await postBatch(url, { items: [item('direct', { captionId: 'cap-2' })] });
    expect(after.json.results[0]).toMatchObject({ overall: 2, format: 1 });
  });

  it('limits how many responses are scored at once across the batch', async () => {
    await judge.close();
    judge = await startJudge({ latencyMs: 30 });
    const { url } = await start({ concurrency: 1 });
    const items = ['a', 'b', 'c', 'd'].map((name) => item('correct', { case: name }));
    const { json } = await postBatch(url, { items });
    expect(json.results.map((r) => r.overall)).toEqual([3.75, 3.75, 3.75, 3.75]);
    // One response at a time: its two observation judgements and one M_infer call, never more.
    expect(judge.maxInFlight).toBe(3);
    await reward!.close();

    judge.requests.length = 0;
    const wide = await start({ concurrency: 4 });
    await postBatch(wide.url, { items: ['e', 'f', 'g', 'h'].map((name) => item('correct', { case: name })) });
    expect(judge.maxInFlight).toBeGreaterThan(3);
  });
});

describe('rewatch reward-server (CLI)', () => {
  it('starts from the command line, prints its URL and token, serves, and stops on SIGTERM', async () => {
    const dir = tempDir('rewatch-reward-cli-');
    const judge = await startJudge();
    try {
      const dataDir = dataDirOf(dir.path);
      await storeCaptions(dataDir, [caption]);
      // The command finds captions through the node catalog; cli-entry.ts adds the test node type to it.
      const providersFile = writeProviders(join(dir.path, 'providers.json'), judge.baseURL);
      const child = spawn(
        process.execPath,
        [
          'scripts/rewatch-tsx.mjs',
          'test/reward-server/cli-entry.ts',
          'reward-server',
          '--port',
          '0',
          '--data-dir',
          dataDir,
          '--providers',
          providersFile,
          '--infer',
          'infer-llm',
          '--concurrency',
          '4',
          '--write-python',
          join(dir.path, 'py'),
        ],
        { env: { ...process.env, REWATCH_REWARD_TOKEN: 'cli-token' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      await until(() => {
        if (child.exitCode !== null) throw new Error(`the server exited:\n${stdout}\n${stderr}`);
        return /Reward token: /.test(stdout);
      }, () => `the server to start:\n${stdout}\n${stderr}`);
      const url = /reward server on (http:\/\/\S+)/.exec(stdout)![1]!;
      expect(stdout).toContain('Reward token: cli-token');
      expect(stdout).toContain('judge: judge-llm, infer: infer-llm, concurrency: 4');
      expect(stdout).toContain('captions: 1 from 1 stored outputs');
      expect(stdout).toMatch(/easyr1 reward file: .*rewatch_reward_easyr1\.py/);

      const { json } = await postBatch(url, { items: [item('correct'), item('wrong')] }, 'cli-token');
      expect(json.results.map((r) => r.overall)).toEqual([3.75, 1]);

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      await judge.close();
      dir.remove();
    }
  });
});
