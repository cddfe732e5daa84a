/**
 * Shared by the reasoning, reward and export tests: typed item sources (the graph feeds MCQs, open questions,
 * captions, trajectories and CoTs from config), an engine whose catalog holds the nodes under test, one provider profile per model role
 * (each with its own `model`, so the scripted server can tell the roles apart), and item builders.
 */
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { nodeDefinitions } from '../../../nodes/index.ts';
import { renderCaption } from '../../../nodes/rewatch/timecode.ts';
import {
  CoTType,
  DenseCaptionType,
  MCQType,
  QAType,
  TrajectoryType,
  type CaptionEvent,
  type DenseCaption,
  type MCQ,
  type QA,
} from '../../../nodes/rewatch/types.ts';
import type { DataType } from '../../../nodes/sdk/index.ts';
import type { ScriptedChatRequest } from '../../support/scripted-llm-server.ts';
import { profile } from '../../support/engine-fixture.ts';
import { itemSource } from '../../support/item-sources.ts';

/** The node type of the source that feeds items of `type` to a port (see `nodeGraph`). */
export const sourceType = (type: DataType) => `test.${type.id}-source`;

export const sources = [MCQType, QAType, DenseCaptionType, TrajectoryType, CoTType].map((type) =>
  itemSource(sourceType(type), { items: type }),
);

export const catalog = new NodeCatalog([...nodeDefinitions, ...sources]);

export const MODELS = {
  'reasoner-llm': 'reasoner',
  'observer-llm': 'observer',
  'convert-llm': 'converter',
  'judge-llm': 'judge',
  'infer-llm': 'inferrer',
} as const;

export function openEngine(dataDir: string, baseURL: string): Engine {
  const providers = Object.entries(MODELS).map(([name, model]) => profile(name, baseURL, { model }));
  return new Engine({ dataDir, catalog, providers, llmBackoff: { baseMs: 5, capMs: 50 } });
}

interface Feed {
  type: DataType;
  items: unknown[];
}

/** A graph of item sources feeding one node: `inputs` maps the node's input ports to their items (several feeds: several edges). */
export function nodeGraph(node: { type: string; config?: Record<string, unknown> }, inputs: Record<string, Feed | Feed[]>): GraphFile {
  const feeds = Object.entries(inputs).flatMap(([port, feed]) =>
    (Array.isArray(feed) ? feed : [feed]).map((f, i) => ({ port, ...f, source: i === 0 ? `src-${port}` : `src-${port}-${i}` })),
  );
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'under-test',
    nodes: [
      ...feeds.map(({ source, type, items }, i) => ({
        id: source,
        type: sourceType(type),
        typeVersion: 1,
        position: { x: 0, y: i * 100 },
        config: { items },
      })),
      { id: 'n', type: node.type, typeVersion: 1, position: { x: 300, y: 0 }, config: node.config ?? {} },
    ],
    edges: feeds.map(({ port, source }) => ({
      id: `e-${source}`,
      from: { node: source, port: 'items' },
      to: { node: 'n', port },
    })),
  };
}

export function denseCaption(id: string, events: Array<Pick<CaptionEvent, 'start' | 'end' | 'text'>>, duration: number): DenseCaption {
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

export function mcq(id: string, caption: DenseCaption, question: string, options: string[], answer: string): MCQ {
  return {
    id,
    qaId: `qa-${id}`,
    videoId: caption.videoId,
    videoPath: caption.videoPath,
    captionId: caption.id,
    type: 'causal',
    question,
    options,
    answer,
    open: {
      id: `qa-${id}`,
      videoId: caption.videoId,
      videoPath: caption.videoPath,
      captionId: caption.id,
      question,
      answer: options[answer.charCodeAt(0) - 65]!,
      type: 'causal',
      evidence: { start: 0, end: 10 },
    },
  };
}

export function openQuestion(id: string, caption: DenseCaption, question: string, answer: string): QA {
  return {
    id,
    videoId: caption.videoId,
    videoPath: caption.videoPath,
    captionId: caption.id,
    question,
    answer,
    type: 'causal',
    evidence: { start: 0, end: 10 },
  };
}

/** The text of a request's last message (all the tests send plain-text messages). */
export function lastMessage(request: Pick<ScriptedChatRequest, 'messages'>): string {
  return String(request.messages.at(-1)?.content ?? '');
}

export function firstMessage(request: Pick<ScriptedChatRequest, 'messages'>): string {
  return String(request.messages[0]?.content ?? '');
}
