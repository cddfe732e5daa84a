/**
 * The reward server's test world: a data dir whose captions were stored by a real engine run (a test-only node that
 * emits typed DenseCaption items), a scripted OpenAI-compatible judge/infer server, the reward server over both, and
 * the hand-made responses whose rewards the tests compute by hand.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import type { RewardStartOptions, ServedReward } from '../../main/reward/service.ts';
import { nodeDefinitions, servedReward } from '../../nodes/index.ts';
import { encodeGroundTruth } from '../../nodes/rewatch/export/ground-truth.ts';
import type { RewardItemResult } from '../../nodes/rewatch/reward/scorer.ts';
import { renderCaption } from '../../nodes/rewatch/timecode.ts';
import { DenseCaptionType, denseCaptionSchema, type DenseCaption } from '../../nodes/rewatch/types.ts';
import { defineOnceNode } from '../../nodes/sdk/index.ts';
import { profile } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';

/** A test-only node that stores the DenseCaptions of its config as its output, as the captioner would. */
export const captionSource = defineOnceNode({
  type: 'test.reward-server-captions',
  version: 1,
  title: 'Test captions',
  category: 'Test',
  description: 'Emits the dense captions of its config.',
  inputs: {},
  outputs: { captions: { type: DenseCaptionType, description: 'Dense captions from config.' } },
  config: z.object({ captions: z.array(denseCaptionSchema) }),
  async execute(_ctx, _inputs, { captions }) {
    return { captions };
  },
});

export const definitions = [...nodeDefinitions, captionSource];
export const catalog = new NodeCatalog(definitions);

export function denseCaption(id: string, events: Array<{ start: number; end: number; text: string }>, duration = 60): DenseCaption {
  return {
    id,
    videoId: `video-${id}`,
    videoPath: `/videos/${id}.mp4`,
    duration,
    events: events.map((e) => ({ ...e, flags: [] })),
    text: renderCaption(events),
    unparsed: [],
  };
}

export const caption = denseCaption('cap-1', [
  { start: 10, end: 20, text: 'He opens a red door with his left hand.' },
  { start: 15, end: 30, text: 'A dog runs out through the open door.' },
]);

/** Runs a one-node graph through the real engine, so the captions land in the run store as a node output. */
export async function storeCaptions(dataDir: string, captions: DenseCaption[], name = 'captions'): Promise<void> {
  const engine = new Engine({ dataDir, catalog, providers: [] });
  try {
    const graph: GraphFile = {
      format: 'rewatch-studio/graph',
      version: 1,
      name,
      nodes: [{ id: 'captions', type: captionSource.type, typeVersion: 1, position: { x: 0, y: 0 }, config: { captions } }],
      edges: [],
    };
    const { runId } = await engine.startRun({ graph });
    const status = await engine.waitForRun(runId);
    if (status !== 'done') throw new Error(`the caption run ended ${status}: ${(await engine.getRun(runId)).error}`);
  } finally {
    await engine.close();
  }
}

// ---- the scripted judge ----

export const OBS = {
  grounded: 'He opens a red door at 00:10.',
  half: 'A dog, or maybe a cat, runs out.',
  invented: 'A unicorn appears.',
};
const observationScores: Record<string, number> = { [OBS.grounded]: 1, [OBS.half]: 0.5, [OBS.invented]: 0 };

/** M_infer's answer per case (from the question's "Case NAME:" prefix); "B" when not listed. */
export const inferred: Record<string, string> = { malformed: 'A', open: 'A red door was opened.' };

export const caseOf = (text: string) => /Case (\w+):/.exec(text)?.[1];
const firstMessage = (request: Pick<ScriptedChatRequest, 'messages'>) => String(request.messages[0]?.content ?? '');

export function judgeRequests(server: ScriptedLlmServer): number {
  return server.requests.length;
}

/** The scripted M_judge and M_infer; every answer waits for `gate` (open by default). */
export async function startJudge({ latencyMs = 0, gate }: { latencyMs?: number; gate?: Promise<void> } = {}): Promise<ScriptedLlmServer> {
  return startScriptedLlmServer({
    latencyMs,
    async respond(request) {
      await gate;
      const prompt = firstMessage(request);
      if (request.model === 'inferrer') return inferred[caseOf(prompt) ?? ''] ?? 'B';
      if (request.model !== 'judge') throw new Error(`unexpected model ${request.model}`);
      const observation = /^Observation: (.*)$/m.exec(prompt)?.[1];
      if (observation !== undefined) {
        return JSON.stringify({ score: observationScores[observation] ?? 0, note: `judged "${observation}"` });
      }
      const candidate = /^Candidate answer: (.*)$/m.exec(prompt)![1]!;
      return JSON.stringify({ correct: /red door/i.test(candidate), reason: `candidate "${candidate}"` });
    },
  });
}

export function providers(baseURL: string): ProviderProfile[] {
  return [profile('judge-llm', baseURL, { model: 'judge' }), profile('infer-llm', baseURL, { model: 'inferrer' })];
}

export function writeProviders(path: string, baseURL: string): string {
  writeFileSync(path, JSON.stringify({ providers: providers(baseURL) }));
  return path;
}

export const TOKEN = 'test-reward-token';

export interface StartedRewardServer {
  engine: Engine;
  served: ServedReward;
  url: string;
  /** Closes the server and its engine. */
  close(): Promise<void>;
}

/** An engine over the data dir with the judge's profiles, and the reward server it runs. */
export async function startRewardServer(
  dataDir: string,
  judgeURL: string,
  overrides: Partial<RewardStartOptions> = {},
  profiles: ProviderProfile[] = providers(judgeURL),
): Promise<StartedRewardServer> {
  const engine = new Engine({ dataDir, catalog, providers: profiles, reward: servedReward, llmBackoff: { baseMs: 5, capMs: 50 } });
  try {
    const served = await engine.reward.start({ token: TOKEN, judge: 'judge-llm', infer: 'infer-llm', ...overrides });
    return { engine, served, url: served.url, close: () => engine.close() };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

export interface RewardHealth {
  ok: boolean;
  judge: string;
  infer: string;
  captions: { captions: number; outputs: number };
  scorer: { batches: number; items: number; scored: number; cacheHits: number; joined: number; errors: number; inFlight: number };
  llm: { calls: number; cached: number; paid: number; failed: number };
  profiles: Record<string, { inFlight: number; queued: number }>;
}

export async function health(url: string): Promise<RewardHealth> {
  return (await (await fetch(`${url}/v1/health`)).json()) as RewardHealth;
}

// ---- responses and ground truths ----

const pair = (action: string, observation: string) => `<action>${action}</action>\n<observation>${observation}</observation>`;
const retrieve = pair('segment_retrieval(a door opens)', OBS.grounded);
const look = (observation: string) => pair('segment_query(00:10-00:30)', observation);

/** The right letter after one look, observed as `observation`: 1·(1 + its score + 1) + 1 when M_infer recovers B. */
export function oneLookResponse(observation: string): string {
  return `${look(observation)}\n<answer>B</answer>`;
}

export const OPTIONS = ['The fridge opens', 'The man opens the door'];

export function groundTruth(name: string, overrides: { captionId?: string; open?: boolean } = {}): string {
  return encodeGroundTruth({
    answer: overrides.open ? 'the man opened a red door' : 'B',
    captionId: overrides.captionId ?? caption.id,
    questionId: `q-${name}`,
    type: 'causal',
    question: `Case ${name}: why does the dog leave?`,
    ...(overrides.open ? {} : { options: OPTIONS }),
  });
}

export const RESPONSES = {
  /** Correct letter, pairs judged 1 and 0.5, M_infer recovers B: 1·(1 + 0.75 + 1) + 1 = 3.75. */
  correct: `Let me check.\n${retrieve}\nCloser.\n${look(OBS.half)}\nSo B.\n<answer>B</answer>`,
  /** Wrong letter, well-formed: r_fmt only = 1. */
  wrong: `Let me check.\n${retrieve}\n${look(OBS.half)}\n<answer>A</answer>`,
  /** An action without its observation: r_fmt 0; the complete pair judged 1, M_infer answers A: 1·(1 + 1 + 0) + 0 = 2. */
  malformed: `${retrieve}\n<action>segment_query(00:10-00:30)</action>\n<answer>B</answer>`,
  /** Open question: the judge accepts both answers; the one observation is invented: 1·(1 + 0 + 1) + 1 = 3. */
  open: `${look(OBS.invented)}\n<answer>the red door was opened</answer>`,
  /** No pairs: 1·(1 + 0 + 0) + 1 = 2. */
  direct: 'Obviously B.\n<answer>B</answer>',
};

export function item(name: keyof typeof RESPONSES, overrides: { captionId?: string; case?: string } = {}) {
  return {
    response: RESPONSES[name],
    ground_truth: groundTruth(overrides.case ?? name, { ...overrides, open: name === 'open' }),
  };
}

export async function postBatch(
  url: string,
  body: unknown,
  /** null: no Authorization header. */
  token: string | null = TOKEN,
): Promise<{ status: number; json: { results: RewardItemResult[]; error?: string } }> {
  const response = await fetch(`${url}/v1/reward`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { results: RewardItemResult[]; error?: string } };
}

export function dataDirOf(root: string): string {
  return join(root, 'data');
}
