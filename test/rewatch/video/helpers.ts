/**
 * What the video-stage tests share: an engine whose catalog has the video nodes, graph building, output reading.
 * How the scripted vision models read their frames lives in test/support/scripted-model.ts.
 */
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import type { ProviderProfile } from '../../../main/llm/profiles.ts';
import { nodeDefinitions } from '../../../nodes/index.ts';

const catalog = new NodeCatalog(nodeDefinitions);

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
