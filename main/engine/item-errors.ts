import type { ItemErrorPage, ItemErrorQuery } from '../api/contract.ts';
import type { GraphFile } from '../graph/format.ts';
import type { RunStore } from '../store/index.ts';
import type { NodeCatalog } from './catalog.ts';
import { concatCollection, type InputSource } from './node-inputs.ts';

const MAX_LIMIT = 1000;

/**
 * The mapped input of a node as it was in a run: its sources' outputs of that run, in edge order. Undefined when the
 * node is not a map node of the catalog or a source's output is gone (pruned).
 */
function mappedInput(store: RunStore, catalog: NodeCatalog, graph: GraphFile, runId: string, nodeId: string): InputSource[] | undefined {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const definition = node && catalog.get(node.type);
  if (definition?.mode !== 'map') return undefined;
  const sources: InputSource[] = [];
  for (const edge of graph.edges.filter((e) => e.to.node === nodeId && e.to.port === definition.over)) {
    const key = store.runs.outputKey(runId, edge.from.node);
    const output = key && store.outputs.get(key);
    if (!output) return undefined;
    sources.push({ nodeId: edge.from.node, port: edge.from.port, output });
  }
  return sources;
}

/** A page of a node run's failed items, each with its input, the error, the model's raw reply and its LLM calls. */
export function itemErrorPage(store: RunStore, catalog: NodeCatalog, runId: string, nodeId: string, query: ItemErrorQuery): ItemErrorPage {
  const run = store.runs.getRun(runId);
  const page = store.items.errors(runId, nodeId, query.offset ?? 0, Math.min(query.limit ?? 100, MAX_LIMIT), query.search || undefined);
  const sources = run && mappedInput(store, catalog, JSON.parse(run.graphJson) as GraphFile, runId, nodeId);
  const input = sources && concatCollection(store.outputs, sources);
  const calls = store.llm.itemCalls(runId, nodeId, page.errors.map((e) => e.seq));
  return {
    ...page,
    errors: page.errors.map((error) => ({
      ...error,
      ...(input && error.seq < input.count && { input: input.page(error.seq, 1)[0] }),
      calls: calls.filter((c) => c.itemSeq === error.seq).map(({ itemSeq: _, ...call }) => call),
    })),
  };
}
