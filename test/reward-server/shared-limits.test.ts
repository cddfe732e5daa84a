import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { servedReward } from '../../nodes/index.ts';
import { CoTType, type CoT, type RewardBreakdown } from '../../nodes/rewatch/types.ts';
import { profile, tempDir } from '../support/engine-fixture.ts';
import { until } from '../support/until.ts';
import { itemSource } from '../support/item-sources.ts';
import type { ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import {
  caption,
  captionSource,
  dataDirOf,
  definitions,
  groundTruth,
  health,
  OBS,
  oneLookResponse,
  OPTIONS,
  postBatch,
  startJudge,
  TOKEN,
} from './support.ts';

const cotSource = itemSource('test.shared-limit-cots', { cots: CoTType });

const pipelineCot: CoT = {
  id: 'cot-pipeline',
  trajectoryId: 'trajectory-pipeline',
  questionId: 'q-pipeline',
  videoId: caption.videoId,
  videoPath: caption.videoPath,
  captionId: caption.id,
  question: 'Case pipeline: why does the dog leave?',
  form: 'mc',
  options: OPTIONS,
  groundTruth: 'B',
  text: oneLookResponse(OBS.grounded),
};

/** The pipeline's own O&R node over one response, judged by the same profile the reward server judges with. */
const pipeline: GraphFile = {
  format: 'rewatch-studio/graph',
  version: 1,
  name: 'shared-limits',
  nodes: [
    { id: 'captions', type: captionSource.type, typeVersion: 1, position: { x: 0, y: 0 }, config: { captions: [caption] } },
    { id: 'cots', type: cotSource.type, typeVersion: 1, position: { x: 0, y: 200 }, config: { cots: [pipelineCot] } },
    { id: 'reward', type: 'rewatch.or-reward', typeVersion: 1, position: { x: 300, y: 100 }, config: { judge: 'judge-llm', infer: 'infer-llm' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'cots', port: 'cots' }, to: { node: 'reward', port: 'responses' } },
    { id: 'e2', from: { node: 'captions', port: 'captions' }, to: { node: 'reward', port: 'captions' } },
  ],
};

describe('the reward server and the pipeline share the engine', () => {
  let dir: ReturnType<typeof tempDir>;
  let judge: ScriptedLlmServer;
  let inferrer: ScriptedLlmServer;
  let engine: Engine;
  let openGate: () => void;

  beforeEach(async () => {
    dir = tempDir('rewatch-reward-shared-');
    // The judge answers nothing until the test opens the gate; M_infer has its own server and profile.
    judge = await startJudge({ gate: new Promise<void>((resolve) => (openGate = resolve)) });
    inferrer = await startJudge();
    engine = new Engine({
      dataDir: dataDirOf(dir.path),
      catalog: new NodeCatalog([...definitions, cotSource]),
      reward: servedReward,
      providers: [
        profile('judge-llm', judge.baseURL, { model: 'judge', maxConcurrency: 1 }),
        profile('infer-llm', inferrer.baseURL, { model: 'inferrer' }),
      ],
      llmBackoff: { baseMs: 5, capMs: 50 },
    });
  });

  afterEach(async () => {
    openGate();
    await engine.close();
    await judge.close();
    await inferrer.close();
    dir.remove();
  });

  it("one profile's concurrency limit holds across a run's judge calls and the reward server's", async () => {
    const served = await engine.reward.start({ judge: 'judge-llm', infer: 'infer-llm', token: TOKEN });
    const { runId } = await engine.startRun({ graph: pipeline });
    // The run's reward node takes judge-llm's one slot: its judge request is at the server, unanswered.
    await until(() => judge.requests.length === 1, "the run's judge request reaches the judge");

    const batch = postBatch(served.url, {
      items: [
        { response: oneLookResponse(OBS.half), ground_truth: groundTruth('first') },
        { response: oneLookResponse(OBS.invented), ground_truth: groundTruth('second') },
      ],
    });
    // Both of the batch's judge requests wait behind it for the slot (or, were the limit not shared, reach the judge).
    await until(
      async () => (await health(served.url)).profiles['judge-llm']!.queued === 2 || judge.inFlight > 1,
      "the batch's judge requests are queued or sent",
    );
    expect(judge.inFlight).toBe(1);

    openGate();
    const [{ json }, status] = await Promise.all([batch, engine.waitForRun(runId)]);
    expect(status).toBe('done');
    // One look judged 0.5 and 0, M_infer recovers B: 1·(1 + 0.5 + 1) + 1 and 1·(1 + 0 + 1) + 1.
    expect(json.results.map((r) => r.overall)).toEqual([3.5, 3]);
    const rewards = await engine.nodeOutput(runId, 'reward', 'rewards', {});
    expect(rewards.items.map((i) => (i.data as RewardBreakdown).total)).toEqual([4]);

    expect(judge.requests).toHaveLength(3);
    expect(judge.maxInFlight).toBe(1);
    const after = await health(served.url);
    expect(after.profiles['judge-llm']).toEqual({ inFlight: 0, queued: 0 });
    // Each keeps its own accounts: the run its node's judge and M_infer calls, the server the batch's.
    const node = (await engine.getRun(runId)).nodes.find((n) => n.nodeId === 'reward');
    expect(node?.llmCalls).toBe(2);
    expect(after.llm).toMatchObject({ calls: 4, paid: 4 });
  });
});
