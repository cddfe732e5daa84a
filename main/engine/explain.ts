import type { ExplainChange, Explanation } from '../api/contract.ts';
import type { GraphFile } from '../graph/format.ts';
import { effectiveConfig } from '../graph/node-config.ts';
import type { RunStore } from '../store/index.ts';
import type { StoredOutput } from '../store/outputs.ts';
import type { HostHandle } from '../../nodes/sdk/index.ts';
import { describeChanges, nodeKey, type Ingredients } from './cache-key.ts';
import type { NodeCatalog } from './catalog.ts';
import { buildIngredients } from './ingredients.ts';
import { createFingerprintContext } from './node-context.ts';
import { topologicalOrder } from './plan.ts';
import { isServedProfilePort, servedInputHashes, servedModelsOf, servedProfileOfPort } from './served-profiles.ts';
import { join } from 'node:path';

interface ExplainDeps {
  store: RunStore;
  catalog: NodeCatalog;
  host(name: string | undefined): HostHandle;
}

const silent = { info() {}, warn() {}, error() {} };
/** Explaining reads fingerprints only; nothing cancels it. */
const idle = new AbortController().signal;

/**
 * For every node: would the next run take its output from the cache, and if not, what changed since the last run
 * of this node in a graph of the same name. Keys are computed exactly as the executor computes them. `graph`
 * carries the edges its model-server nodes imply (`withServedProfileEdges`).
 */
export async function explainGraph(deps: ExplainDeps, graph: GraphFile): Promise<Explanation[]> {
  const { store, catalog } = deps;
  const outputs = new Map<string, StoredOutput | undefined>();
  const explanations: Explanation[] = [];
  for (const nodeId of topologicalOrder(graph, new Set(graph.nodes.map((n) => n.id)))) {
    const node = graph.nodes.find((n) => n.id === nodeId)!;
    const definition = catalog.get(node.type)!;
    const config = definition.config.parse(effectiveConfig(graph, node, definition.config)) as Record<string, unknown>;

    const inputs: Record<string, string[]> = Object.fromEntries(Object.keys(definition.inputs).map((p) => [p, []]));
    const pending = new Map<string, string>();
    const sources: Record<string, string> = {};
    for (const edge of graph.edges.filter((e) => e.to.node === nodeId)) {
      const upstream = outputs.get(edge.from.node);
      if (isServedProfilePort(edge.to.port)) {
        if (!upstream) inputs[edge.to.port] = [`pending:${edge.from.node}`];
      } else {
        inputs[edge.to.port]?.push(upstream?.ports[edge.from.port]?.hash ?? `pending:${edge.from.node}`);
      }
      if (!upstream) pending.set(edge.to.port, edge.from.node);
      sources[edge.to.port] = `"${edge.from.node}"`;
    }
    Object.assign(inputs, servedInputHashes(servedModelsOf(graph, nodeId, store.outputs, (id) => outputs.get(id))));
    const ingredients = await buildIngredients({
      store,
      graphName: graph.name,
      node,
      definition,
      config,
      inputs,
      fingerprintContext: createFingerprintContext(store, deps.host(node.host), join(store.dataDir, 'work', 'explain'), idle, silent),
    });
    const key = nodeKey(ingredients);
    const stored = pending.size === 0 ? store.outputs.get(key) : undefined;
    outputs.set(nodeId, stored);
    explanations.push({
      nodeId,
      cached: stored !== undefined,
      nodeKey: key,
      changes: stored ? [] : changesSinceLastRun(store, graph.name, nodeId, ingredients, sources, pending),
    });
  }
  return explanations;
}

function changesSinceLastRun(
  store: RunStore,
  graphName: string,
  nodeId: string,
  ingredients: Ingredients,
  sources: Record<string, string>,
  pending: Map<string, string>,
): ExplainChange[] {
  const previous = store.runs.previousNodeRun(graphName, nodeId);
  if (!previous) {
    return [{ kind: 'new', message: `"${nodeId}" has not run before in a graph named "${graphName}"` }];
  }
  const changes = describeChanges(previous.ingredients as Ingredients, ingredients, sources).map((change) => {
    const upstream = change.kind === 'input' && change.field ? pending.get(change.field) : undefined;
    if (!upstream) return change;
    const what = isServedProfilePort(change.field!) ? `the model served as profile "${servedProfileOfPort(change.field!)}"` : `input "${change.field}"`;
    return { ...change, message: `${what} will change: "${upstream}" runs first` };
  });
  if (changes.length) return changes;
  return [
    {
      kind: 'output-missing',
      message: `same config and inputs as run ${previous.runId}, which ended "${previous.state}" without a stored output (or the cache was pruned)`,
    },
  ];
}
