/** What the video-stage tests share: an engine whose catalog has the video nodes, graph building, output reading. */
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import type { ProviderProfile } from '../../../main/llm/profiles.ts';
import { nodeDefinitions } from '../../../nodes/index.ts';
import { captioner } from '../../../nodes/rewatch/video/captioner.ts';
import { segmenter } from '../../../nodes/rewatch/video/segmenter.ts';
import { videoSource } from '../../../nodes/rewatch/video/source.ts';
import { parseTimestamp } from '../../../nodes/rewatch/timecode.ts';
import type { ScriptedChatRequest } from '../../support/scripted-llm-server.ts';

const videoNodes = [videoSource, segmenter, captioner];
const catalog = new NodeCatalog([...nodeDefinitions.filter((d) => !videoNodes.some((v) => v.type === d.type)), ...videoNodes]);

export function openVideoEngine(dataDir: string, providers: ProviderProfile[] = []): Engine {
  return new Engine({ dataDir, catalog, providers, llmBackoff: { baseMs: 5, capMs: 50 } });
}

export interface NodeSpec {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

export function graph(nodes: NodeSpec[], edges: Array<[from: string, to: string]>): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'video-test',
    nodes: nodes.map((n, i) => ({ ...n, typeVersion: 1, position: { x: i * 200, y: 0 } })),
    edges: edges.map(([from, to], i) => {
      const [fromNode, fromPort] = from.split('.') as [string, string];
      const [toNode, toPort] = to.split('.') as [string, string];
      return { id: `e${i}`, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
    }),
  };
}

export async function outputOf<T>(engine: Engine, runId: string, nodeId: string, port: string): Promise<T[]> {
  const page = await engine.nodeOutput(runId, nodeId, port, { limit: 1000 });
  return page.items.map((item) => item.data as T);
}

/** The content parts of a request's (single) user message. */
export type Part = { type: string; text?: string; image_url?: { url: string }; video_url?: { url: string } };
export function userParts(request: ScriptedChatRequest): Part[] {
  const content = request.messages.find((m) => m.role === 'user')?.content;
  if (!Array.isArray(content)) throw new Error('expected a user message made of content parts');
  return content as Part[];
}

export interface SeenFrame {
  /** Seconds, read from the `[MM:SS]` text part before the image. */
  time: number;
  url: string;
}

/**
 * The frames of a request as a model would see them: every image must follow a `[MM:SS]` text part. Throws (so the
 * scripted server answers 500 and the test fails) when the request is not laid out that way.
 */
export function seenFrames(parts: Part[]): SeenFrame[] {
  const frames: SeenFrame[] = [];
  parts.forEach((part, i) => {
    if (part.type !== 'image_url') return;
    const label = /^\[(\d{2,}:\d{2})\]$/.exec(parts[i - 1]?.text ?? '')?.[1];
    if (!label) throw new Error(`image ${frames.length} has no [MM:SS] text part before it`);
    if (!part.image_url!.url.startsWith('data:image/jpeg;base64,/9j/')) throw new Error(`image ${frames.length} is not a JPEG data URL`);
    frames.push({ time: parseTimestamp(label)!, url: part.image_url!.url });
  });
  return frames;
}

/** Where what is shown changes: the time of each frame that differs from the one before (still scenes encode identically). */
export function changeTimes(frames: readonly SeenFrame[]): number[] {
  return frames.filter((f, i) => i > 0 && f.url !== frames[i - 1]!.url).map((f) => f.time);
}

export function promptText(parts: Part[]): string {
  return parts.filter((p) => p.type === 'text' && !/^\[\d{2,}:\d{2}\]$/.test(p.text ?? '')).map((p) => p.text).join('\n');
}
