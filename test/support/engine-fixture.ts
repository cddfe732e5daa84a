import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import type { RunRequest } from '../../main/api/contract.ts';
import { nodeDefinitions, servedReward } from '../../nodes/index.ts';

export const catalog = new NodeCatalog(nodeDefinitions);

export function tempDir(prefix = 'rewatch-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function profile(name: string, baseURL: string, overrides: Partial<ProviderProfile> = {}): ProviderProfile {
  return { name, baseURL, model: 'scripted-model', maxConcurrency: 16, timeoutMs: 5000, maxRetries: 4, structuredOutputs: true, ...overrides };
}

export function openEngine(dataDir: string, providers: ProviderProfile[] = [], nodes: NodeCatalog = catalog): Engine {
  return new Engine({ dataDir, catalog: nodes, providers, reward: servedReward, llmBackoff: { baseMs: 5, capMs: 50 } });
}

export function writeJsonl(path: string, rows: unknown[]): string {
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

/** Runs a graph to the end and returns the run's detail. */
export async function runToEnd(engine: Engine, graph: GraphFile, options: Omit<RunRequest, 'graph'> = {}) {
  const { runId } = await engine.startRun({ graph, ...options });
  await engine.waitForRun(runId);
  return engine.getRun(runId);
}

/** A three-node pipeline: records → LLM answer → keep the short answers → file. */
export function pipelineGraph(input: string, output: string, overrides: { prompt?: string; threshold?: number } = {}): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'pipeline',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      {
        id: 'ask',
        type: 'core.llm-map',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { provider: 'test-llm', prompt: overrides.prompt ?? 'Say the number {{n}}.', concurrency: 8 },
      },
      {
        id: 'keep',
        type: 'core.filter',
        typeVersion: 1,
        position: { x: 400, y: 0 },
        config: { field: 'n', operator: 'lt', value: overrides.threshold ?? 5 },
      },
      { id: 'out', type: 'core.export', typeVersion: 1, position: { x: 600, y: 0 }, config: { path: output } },
    ],
    edges: [
      { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } },
      { id: 'e2', from: { node: 'ask', port: 'items' }, to: { node: 'keep', port: 'items' } },
      { id: 'e3', from: { node: 'keep', port: 'kept' }, to: { node: 'out', port: 'items' } },
    ],
  };
}
