import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { errorParts } from '../../main/engine/map-runner.ts';
import { createFingerprintContext } from '../../main/engine/node-context.ts';
import { LocalHost } from '../../main/hosts/index.ts';
import { LlmClient } from '../../main/llm/client.ts';
import { RunStore } from '../../main/store/index.ts';
import { pagedCollection } from '../../main/store/collection.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { providerNames } from '../../nodes/sdk/fields.ts';
import type { HostHandle, LlmGateway, MetricPoint, NodeContext, NodeDefinition } from '../../nodes/sdk/index.ts';
import { profile } from './engine-fixture.ts';

/** What stands in for the outside world: the model behind every profile the config names, and the host. */
export interface NodeFakes {
  /** The node's config as a graph would hold it (defaults fill the rest). */
  config?: Record<string, unknown>;
  /**
   * A gateway double, or a scripted OpenAI-compatible server every provider profile the config names points at,
   * each serving `models[profile]` (default `scripted-model`) so the server can tell the roles apart.
   */
  llm?: LlmGateway | { baseURL: string; models?: Readonly<Record<string, string>> };
  /** Defaults to this machine, working in the run's temp folder. */
  host?: HostHandle;
}

export interface ItemError {
  /** Position of the failed item in the mapped input. */
  index: number;
  message: string;
  /** The model's raw reply, when the node attached it. */
  raw?: string;
}

export interface NodeRunResult {
  outputs: Record<string, unknown[]>;
  /** A map node's failed items (the engine would record them and go on); always empty for a `once` node. */
  itemErrors: ItemError[];
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  metrics: MetricPoint[];
  /** The temp folder holding the run's blobs, work dir and LLM request cache. */
  dataDir: string;
}

/** The node library's definition of `type`. */
export function definitionOf(type: string): NodeDefinition {
  const found = nodeDefinitions.find((d) => d.type === type);
  if (!found) throw new Error(`no node type "${type}" in the node library`);
  return found;
}

const RUN_ID = 'run-node';
const NODE_ID = 'node';

function noLlm(): LlmGateway {
  const refuse = () => Promise.reject(new Error('runNode: this node called a model, but no `llm` fake was given'));
  return { complete: refuse, completeJson: refuse };
}

function llmGateway(definition: NodeDefinition, config: Record<string, unknown>, store: RunStore, llm: NodeFakes['llm'], signal: AbortSignal) {
  if (llm === undefined) return noLlm();
  if (!('baseURL' in llm)) return llm;
  const names = Object.entries(definition.config.shape).flatMap(([field, schema]) => providerNames(schema, config[field]));
  const client = new LlmClient({
    profiles: [...new Set(names)].map((name) => profile(name, llm.baseURL, llm.models?.[name] ? { model: llm.models[name] } : {})),
    cache: store.llm,
    recorder: store.llm,
    backoff: { baseMs: 5, capMs: 50 },
  });
  return client.gateway({ runId: RUN_ID, nodeId: NODE_ID, signal, useCache: true });
}

/** Drains a `once` node's output port, whichever iterable it returned. */
async function drain(port: Iterable<unknown> | AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of port) items.push(item);
  return items;
}

/**
 * Runs one node definition the way the engine would, without the engine, a graph or an HTTP server: inputs are
 * arrays per port, the config is parsed with its defaults, a map node's items run with its concurrency (a failed
 * item is reported, not thrown), and the outputs come back as arrays per port.
 */
export async function runNode(
  definition: NodeDefinition,
  inputs: Record<string, readonly unknown[]>,
  fakes: NodeFakes = {},
): Promise<NodeRunResult> {
  const parsed = definition.config.safeParse(fakes.config ?? {});
  if (!parsed.success) throw new Error(`runNode: invalid config for ${definition.type}: ${parsed.error.message}`);
  const config = parsed.data as Record<string, unknown>;
  for (const port of Object.keys(inputs)) {
    if (!Object.hasOwn(definition.inputs, port)) throw new Error(`runNode: ${definition.type} has no input port "${port}"`);
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'rewatch-run-node-'));
  const store = new RunStore(dataDir);
  const signal = new AbortController().signal;
  const logs: NodeRunResult['logs'] = [];
  const metrics: MetricPoint[] = [];
  const log = (level: 'info' | 'warn' | 'error') => (message: string) => void logs.push({ level, message });
  const logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const host = fakes.host ?? new LocalHost({ workDir: join(dataDir, 'host') });
  const ctx: NodeContext = {
    ...createFingerprintContext(store, host, join(dataDir, 'work'), signal, logger),
    runId: RUN_ID,
    nodeId: NODE_ID,
    llm: llmGateway(definition, config, store, fakes.llm, signal),
    progress: { update: () => {} },
    metrics: { record: (point) => void metrics.push(point) },
    reward: {
      start: () => Promise.reject(new Error('runNode: the reward server needs the engine; run this node in a graph')),
    },
  };
  const collection = (items: readonly unknown[] = []) => pagedCollection(items.length, (offset, limit) => items.slice(offset, offset + limit));
  const collections = Object.fromEntries(Object.keys(definition.inputs).map((port) => [port, collection(inputs[port])]));

  try {
    if (definition.mode === 'once') {
      const streams = await definition.execute(ctx, collections, config);
      const outputs: Record<string, unknown[]> = {};
      for (const [port, stream] of Object.entries(streams)) if (stream) outputs[port] = await drain(stream);
      return { outputs, itemErrors: [], logs, metrics, dataDir };
    }
    const limit = pLimit(config.concurrency as number);
    const over = inputs[definition.over] ?? [];
    const outputs: Record<string, unknown[]> = Object.fromEntries(Object.keys(definition.outputs).map((port) => [port, []]));
    const itemErrors: ItemError[] = [];
    const results = await Promise.all(
      over.map((item, index) =>
        limit(() => definition.execute(ctx, { ...collections, [definition.over]: item }, config as never)).catch((error: unknown) => {
          const { message, raw } = errorParts(error);
          itemErrors.push({ index, message, ...(raw === null ? {} : { raw }) });
          return {};
        }),
      ),
    );
    // In input order, as the engine assembles a map node's output.
    for (const result of results) for (const [port, items] of Object.entries(result)) outputs[port]!.push(...(items ?? []));
    itemErrors.sort((a, b) => a.index - b.index);
    return { outputs, itemErrors, logs, metrics, dataDir };
  } finally {
    store.close();
  }
}
