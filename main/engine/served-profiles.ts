import type { GraphEdge, GraphFile } from '../graph/format.ts';
import { servedIdentity } from '../model-servers/profile.ts';
import type { OutputStore, StoredOutput } from '../store/outputs.ts';
import { providerNames, type NodeDefinition, type ServedModel } from '../../nodes/sdk/index.ts';

/**
 * A model-server node (one with `servesProfile`) publishes a provider profile to its graph. Nodes naming that
 * profile depend on it although no edge is drawn: the engine adds one, into an input port of their own that no
 * drawn edge can reach, so planning, ordering, cache keys and `explain` treat the server like any input.
 */
const PORT_PREFIX = '@profile:';

const servedProfilePort = (profile: string): string => `${PORT_PREFIX}${profile}`;
export const isServedProfilePort = (port: string): boolean => port.startsWith(PORT_PREFIX);
export const servedProfileOfPort = (port: string): string => port.slice(PORT_PREFIX.length);

type Lookup = (type: string) => NodeDefinition | undefined;

interface ParsedNode {
  id: string;
  definition: NodeDefinition;
  config: Record<string, unknown>;
}

function parsedNodes(graph: GraphFile, lookup: Lookup): ParsedNode[] {
  return graph.nodes.flatMap((node) => {
    const definition = lookup(node.type);
    const parsed = definition?.config.safeParse(node.config);
    return definition && parsed?.success ? [{ id: node.id, definition, config: parsed.data as Record<string, unknown> }] : [];
  });
}

/** Profile name → the model-server nodes publishing it, in file order (more than one is a validation error). */
export function servedProfiles(graph: GraphFile, lookup: Lookup): Map<string, Array<{ nodeId: string; port: string }>> {
  const served = new Map<string, Array<{ nodeId: string; port: string }>>();
  for (const { id, definition, config } of parsedNodes(graph, lookup)) {
    const serves = definition.servesProfile;
    if (!serves) continue;
    const name = config[serves.field];
    if (typeof name !== 'string') continue;
    served.set(name, [...(served.get(name) ?? []), { nodeId: id, port: serves.port }]);
  }
  return served;
}

/** The edges from each model-server node to the nodes naming its profile. */
function servedProfileEdges(graph: GraphFile, lookup: Lookup): GraphEdge[] {
  const served = servedProfiles(graph, lookup);
  const edges: GraphEdge[] = [];
  for (const { id, definition, config } of parsedNodes(graph, lookup)) {
    const named = new Set(
      Object.entries(definition.config.shape).flatMap(([field, schema]) => providerNames(schema, config[field])),
    );
    for (const profile of named) {
      const server = served.get(profile)?.[0];
      if (!server || server.nodeId === id) continue;
      edges.push({
        id: `${server.nodeId}->${id}${servedProfilePort(profile)}`,
        from: { node: server.nodeId, port: server.port },
        to: { node: id, port: servedProfilePort(profile) },
      });
    }
  }
  return edges;
}

/** The graph with those edges added: what the planner, the executor and `explain` follow. */
export function withServedProfileEdges(graph: GraphFile, lookup: Lookup): GraphFile {
  const extra = servedProfileEdges(graph, lookup);
  return extra.length ? { ...graph, edges: [...graph.edges, ...extra] } : graph;
}

/** A served model a node calls, and the model-server node serving it. */
export interface ServedTo {
  spec: ServedModel;
  serverNodeId: string;
}

/** The served models a node calls, by profile, read from the outputs of the model-server nodes feeding it
 * (those without an output yet are left out). */
export function servedModelsOf(
  flow: GraphFile,
  nodeId: string,
  outputs: OutputStore,
  outputOf: (nodeId: string) => StoredOutput | undefined,
): Map<string, ServedTo> {
  const models = new Map<string, ServedTo>();
  for (const edge of flow.edges) {
    if (edge.to.node !== nodeId || !isServedProfilePort(edge.to.port)) continue;
    const output = outputOf(edge.from.node);
    if (!output) continue;
    const [spec] = outputs.collection<ServedModel>(output, edge.from.port).page(0, 1);
    if (spec) models.set(servedProfileOfPort(edge.to.port), { spec, serverNodeId: edge.from.node });
  }
  return models;
}

/** How served models enter a node's cache key: by what answers, not by where or how long it runs. */
export function servedInputHashes(models: ReadonlyMap<string, ServedTo>): Record<string, string[]> {
  return Object.fromEntries([...models].map(([profile, { spec }]) => [servedProfilePort(profile), [servedIdentity(spec)]]));
}
