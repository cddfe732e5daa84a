import { join } from 'node:path';
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { RunEvent } from '../../../main/api/contract.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import type { ProviderProfile } from '../../../main/llm/profiles.ts';
import { summarizer } from '../../../nodes/rewatch/captions/summarizer.ts';
import { answerFilter } from '../../../nodes/rewatch/qa/answer-filter.ts';
import { contrastiveQa } from '../../../nodes/rewatch/qa/contrastive-qa.ts';
import { mcqReformulation } from '../../../nodes/rewatch/qa/mcq.ts';
import { summaryBiasFilter } from '../../../nodes/rewatch/qa/summary-bias-filter.ts';
import { textBiasFilter } from '../../../nodes/rewatch/qa/text-bias-filter.ts';
import { stableId } from '../../../nodes/rewatch/ids.ts';
import { renderCaption } from '../../../nodes/rewatch/timecode.ts';
import { DenseCaptionType, MCQType, QAType, SummaryType, type DenseCaption, type MCQ, type QA, type Summary } from '../../../nodes/rewatch/types.ts';
import { profile, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { itemSource } from '../../support/item-sources.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';

/** Feeds the QA nodes real DenseCaption / Summary / QA / MCQ items from its config. */
const testItems = itemSource('test.rewatch-items', { captions: DenseCaptionType, summaries: SummaryType, qa: QAType, mcq: MCQType });

const catalog = new NodeCatalog([testItems, summarizer, contrastiveQa, answerFilter, textBiasFilter, summaryBiasFilter, mcqReformulation]);

export const PROFILES = ['summary-llm', 'qa-llm', 'judge-llm', 'probe-text', 'probe-vlm'] as const;

export function caption(id: string, events: Array<[number, number, string]>, duration = 300): DenseCaption {
  const timed = events.map(([start, end, text]) => ({ start, end, text, flags: [] }));
  return { id, videoId: `vid-${id}`, videoPath: `/videos/${id}.mp4`, duration, events: timed, text: renderCaption(timed), unparsed: [] };
}

export const KITCHEN = caption('kitchen', [
  [0, 40, 'A man in a red apron enters a kitchen and puts three eggs on the counter.'],
  [40, 90, 'He cracks the eggs into a blue bowl; a piece of shell falls in and he picks it out.'],
  [90, 165, 'While he whisks, a sign on the wall reads "OPEN 24 HOURS".'],
  [165, 250, 'He pours the mix into a pan left of the stove; the omelette turns golden.'],
  [250, 300, 'He serves it on a white plate to a woman at the table.'],
]);

export const KITCHEN_SUMMARY: Summary = {
  id: stableId(KITCHEN.id),
  videoId: KITCHEN.videoId,
  captionId: KITCHEN.id,
  text: 'A man cooks an omelette in a kitchen and serves it to a woman.',
};

export function qa(source: DenseCaption, question: string, answer: string, type: QA['type'], start: number, end: number): QA {
  return {
    id: stableId(source.videoId, question),
    videoId: source.videoId,
    videoPath: source.videoPath,
    captionId: source.id,
    question,
    answer,
    type,
    evidence: { start, end },
  };
}

/** The text of the first user message: the prompt a node built (repair requests repeat it first). */
export function promptOf(request: ScriptedChatRequest): string {
  const message = request.messages.find((m) => m.role === 'user');
  return typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content);
}

/** The value after `Label:` on its own line of a prompt. */
export function field(prompt: string, label: string): string {
  return new RegExp(`^${label}:[ \\t]*(.*)$`, 'm').exec(prompt)?.[1]?.trim() ?? '';
}

export type Node = GraphFile['nodes'][number];
export type Edge = GraphFile['edges'][number];

export function node(id: string, type: string, config: Record<string, unknown> = {}): Node {
  return { id, type, typeVersion: 1, position: { x: 0, y: 0 }, config };
}

export function edge(from: string, fromPort: string, to: string, toPort: string): Edge {
  return { id: `${from}.${fromPort}--${to}.${toPort}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

export function graph(nodes: Node[], edges: Edge[]): GraphFile {
  return { format: 'rewatch-studio/graph', version: 1, name: 'rewatch-qa', nodes, edges };
}

export function itemsNode(items: { captions?: DenseCaption[]; summaries?: Summary[]; qa?: QA[]; mcq?: MCQ[] }): Node {
  return node('src', 'test.rewatch-items', items);
}

/**
 * An engine with the QA node types and one scripted OpenAI-compatible server behind every provider profile; each
 * profile's model is named after the profile, so `respond` can answer as that model would. `profileOverrides` apply to
 * every profile (e.g. `structuredOutputs: false`).
 */
export async function openQaEngine(respond: (request: ScriptedChatRequest) => string, profileOverrides: Partial<ProviderProfile> = {}) {
  const dir = tempDir('rewatch-qa-');
  const server: ScriptedLlmServer = await startScriptedLlmServer({ respond });
  const engine = new Engine({
    dataDir: join(dir.path, 'data'),
    catalog,
    providers: PROFILES.map((name) => profile(name, server.baseURL, { ...profileOverrides, model: name })),
    llmBackoff: { baseMs: 5, capMs: 50 },
  });
  const logs: Extract<RunEvent, { type: 'node-log' }>[] = [];
  engine.subscribe((event) => {
    if (event.type === 'node-log') logs.push(event);
  });

  const run = (g: GraphFile, options: { noCache?: boolean } = {}) => runToEnd(engine, g, options);
  const output = async <T>(runId: string, nodeId: string, port: string): Promise<T[]> =>
    (await engine.nodeOutput(runId, nodeId, port, { limit: 1000 })).items.map((i) => i.data as T);
  /** A node's failed items as message and raw reply (the inputs and calls that come with them are checked elsewhere). */
  const errors = async (runId: string, nodeId: string) =>
    (await engine.nodeErrors(runId, nodeId, { limit: 1000 })).errors.map(({ seq, message, raw }) => ({ seq, message, raw }));
  const requestsTo = (model: string) => server.requests.filter((r) => r.model === model);
  const close = async () => {
    await engine.close();
    await server.close();
    dir.remove();
  };
  return { engine, server, logs, run, output, errors, requestsTo, close };
}
export type QaEngine = Awaited<ReturnType<typeof openQaEngine>>;
