/**
 * Shared by the reasoning and reward tests: typed item sources (the graph feeds MCQs, captions, trajectories and
 * CoTs from config), an engine whose catalog holds the nodes under test, one provider profile per model role
 * (each with its own `model`, so the scripted server can tell the roles apart), and item builders.
 */
import { z } from 'zod';
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { nodeDefinitions } from '../../../nodes/index.ts';
import { cotConvert } from '../../../nodes/rewatch/reasoning/cot-convert.ts';
import { react } from '../../../nodes/rewatch/reasoning/react.ts';
import { orReward } from '../../../nodes/rewatch/reward/or-reward.ts';
import { renderCaption } from '../../../nodes/rewatch/timecode.ts';
import {
  CoTType,
  DenseCaptionType,
  MCQType,
  TrajectoryType,
  type CaptionEvent,
  type DenseCaption,
  type MCQ,
} from '../../../nodes/rewatch/types.ts';
import { defineOnceNode, type DataType, type NodeDefinition } from '../../../nodes/sdk/index.ts';
import type { ScriptedChatRequest } from '../../support/scripted-llm-server.ts';
import { profile } from '../../support/engine-fixture.ts';

function itemSource(type: DataType): NodeDefinition {
  return defineOnceNode({
    type: `test.${type.id}-source`,
    version: 1,
    title: `${type.title} source`,
    category: 'Test',
    description: 'Emits the items of its config.',
    inputs: {},
    outputs: { items: { type, description: 'The configured items.' } },
    config: z.object({ items: z.array(z.unknown()) }),
    async execute(_ctx, _inputs, { items }) {
      return { items };
    },
  });
}

const sources = [MCQType, DenseCaptionType, TrajectoryType, CoTType].map(itemSource);
const underTest = [react, cotConvert, orReward];
const ownTypes = new Set(underTest.map((d) => d.type));

export const catalog = new NodeCatalog([...nodeDefinitions.filter((d) => !ownTypes.has(d.type)), ...underTest, ...sources]);

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

/** A graph of item sources feeding one node: `inputs` maps the node's input ports to their items. */
export function nodeGraph(
  node: { type: string; config?: Record<string, unknown> },
  inputs: Record<string, { type: DataType; items: unknown[] }>,
): GraphFile {
  const entries = Object.entries(inputs);
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'under-test',
    nodes: [
      ...entries.map(([port, { type, items }], i) => ({
        id: `src-${port}`,
        type: `test.${type.id}-source`,
        typeVersion: 1,
        position: { x: 0, y: i * 100 },
        config: { items },
      })),
      { id: 'n', type: node.type, typeVersion: 1, position: { x: 300, y: 0 }, config: node.config ?? {} },
    ],
    edges: entries.map(([port]) => ({
      id: `e-${port}`,
      from: { node: `src-${port}`, port: 'items' },
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

/** The text of a request's last message (all the tests send plain-text messages). */
export function lastMessage(request: Pick<ScriptedChatRequest, 'messages'>): string {
  return String(request.messages.at(-1)?.content ?? '');
}

export function firstMessage(request: Pick<ScriptedChatRequest, 'messages'>): string {
  return String(request.messages[0]?.content ?? '');
}
