import type { ValidationError } from '../api/contract.ts';
import type { GraphFile } from '../graph/format.ts';
import { effectiveConfig } from '../graph/node-config.ts';
import { fieldKind, hostNames, isAssignable, ownValue, providerNames, type NodeDefinition } from '../../nodes/sdk/index.ts';
import { compileJsonSchema } from '../llm/schema-validate.ts';
import type { NodeCatalog } from './catalog.ts';
import { findCycle } from './plan.ts';
import { servedProfiles, withServedProfileEdges } from './served-profiles.ts';

export interface ValidationContext {
  catalog: NodeCatalog;
  /** Names of the provider profiles in the settings (the graph's model-server nodes add theirs). */
  providers: ReadonlySet<string>;
  /** Names of the hosts in the settings (`local` is always there). */
  hosts: ReadonlySet<string>;
}

/**
 * Everything that would make a run fail before it does any work: unknown node types, config errors, unknown
 * profiles and hosts, dangling or mistyped edges, unconnected required inputs, cycles.
 * `only` limits the check to the nodes a partial run touches.
 */
export function validateGraph(graph: GraphFile, context: ValidationContext, only?: ReadonlySet<string>): ValidationError[] {
  const errors: ValidationError[] = [];
  const included = (id: string) => !only || only.has(id);
  const definitions = new Map<string, NodeDefinition>();
  const served = servedProfiles(graph, context.catalog.lookup);
  const referable = { ...context, providers: new Set([...context.providers, ...served.keys()]) };
  for (const [profile, servers] of served) {
    servers.forEach(({ nodeId }, index) => {
      if (!included(nodeId)) return;
      if (context.providers.has(profile)) {
        errors.push({ nodeId, field: 'profile', message: `"${profile}" is already a provider profile of the settings; serve this model under another name` });
      } else if (index > 0) {
        errors.push({ nodeId, field: 'profile', message: `"${profile}" is already served by node "${servers[0]!.nodeId}"` });
      }
    });
  }

  const seenNodes = new Set<string>();
  for (const node of graph.nodes) {
    if (seenNodes.has(node.id)) errors.push({ nodeId: node.id, message: `node id "${node.id}" is used twice` });
    seenNodes.add(node.id);
    if (!included(node.id)) continue;
    const definition = context.catalog.get(node.type);
    if (!definition) {
      errors.push({ nodeId: node.id, message: `node type "${node.type}" is not installed` });
      continue;
    }
    if (node.typeVersion !== definition.version) {
      errors.push({
        nodeId: node.id,
        field: 'typeVersion',
        message: `"${node.type}" version ${node.typeVersion} cannot run here (installed: version ${definition.version})`,
      });
      continue;
    }
    definitions.set(node.id, definition);
    errors.push(...configErrors(node.id, node.config, effectiveConfig(graph, node, definition.config), definition, referable));
    if (node.host && !context.hosts.has(node.host)) {
      errors.push({ nodeId: node.id, field: 'host', message: `unknown host "${node.host}"` });
    }
  }

  const seenEdges = new Set<string>();
  const edgesInto = new Map<string, number>();
  for (const edge of graph.edges) {
    if (seenEdges.has(edge.id)) errors.push({ nodeId: edge.to.node, message: `edge id "${edge.id}" is used twice` });
    seenEdges.add(edge.id);
    if (!included(edge.to.node)) continue;
    const source = definitions.get(edge.from.node);
    const target = definitions.get(edge.to.node);
    if (!seenNodes.has(edge.from.node)) {
      errors.push({ nodeId: edge.to.node, field: edge.to.port, message: `edge "${edge.id}" comes from missing node "${edge.from.node}"` });
      continue;
    }
    if (!seenNodes.has(edge.to.node)) {
      errors.push({ nodeId: edge.from.node, field: edge.from.port, message: `edge "${edge.id}" goes to missing node "${edge.to.node}"` });
      continue;
    }
    const fromPort = source && ownValue(source.outputs, edge.from.port);
    const toPort = target && ownValue(target.inputs, edge.to.port);
    if (source && !fromPort) {
      errors.push({ nodeId: edge.from.node, field: edge.from.port, message: `edge "${edge.id}": "${source.type}" has no output "${edge.from.port}"` });
    }
    if (target && !toPort) {
      errors.push({ nodeId: edge.to.node, field: edge.to.port, message: `edge "${edge.id}": "${target.type}" has no input "${edge.to.port}"` });
    }
    const fromType = fromPort && outputType(graph, definitions, edge.from.node, edge.from.port);
    if (fromType && toPort && !isAssignable(fromType, toPort.type.id)) {
      errors.push({
        nodeId: edge.to.node,
        field: edge.to.port,
        message: `input "${edge.to.port}" takes ${toPort.type.id}, but "${edge.from.node}.${edge.from.port}" gives ${fromType}`,
      });
    }
    const slot = `${edge.to.node}\u0000${edge.to.port}`;
    edgesInto.set(slot, (edgesInto.get(slot) ?? 0) + 1);
    if (toPort && !toPort.multiple && edgesInto.get(slot) === 2) {
      errors.push({ nodeId: edge.to.node, field: edge.to.port, message: `input "${edge.to.port}" takes one edge, but has several` });
    }
  }

  for (const [nodeId, definition] of definitions) {
    for (const [port, spec] of Object.entries(definition.inputs)) {
      if (!spec.optional && !edgesInto.has(`${nodeId}\u0000${port}`)) {
        errors.push({ nodeId, field: port, message: `required input "${port}" is not connected` });
      }
    }
  }

  // Through the edges model-server nodes imply too: a node cannot call a model that serves its own output.
  const cycle = findCycle(withServedProfileEdges(graph, context.catalog.lookup));
  if (cycle) {
    for (const nodeId of new Set(cycle)) {
      if (included(nodeId)) errors.push({ nodeId, message: `the graph has a cycle: ${cycle.join(' → ')}` });
    }
  }
  return errors;
}

/** The data type an output carries; pass-through outputs (`sameTypeAs`) carry what arrives at their input. */
function outputType(
  graph: GraphFile,
  definitions: ReadonlyMap<string, NodeDefinition>,
  nodeId: string,
  port: string,
  visited = new Set<string>(),
): string | undefined {
  const outputs = definitions.get(nodeId)?.outputs;
  const spec = outputs && ownValue(outputs, port);
  if (!spec?.sameTypeAs || visited.has(`${nodeId}\u0000${port}`)) return spec?.type.id;
  visited.add(`${nodeId}\u0000${port}`);
  const feeding = graph.edges.find((e) => e.to.node === nodeId && e.to.port === spec.sameTypeAs);
  return (feeding && outputType(graph, definitions, feeding.from.node, feeding.from.port, visited)) ?? spec.type.id;
}

function configErrors(
  nodeId: string,
  written: Record<string, unknown>,
  config: Record<string, unknown>,
  definition: NodeDefinition,
  context: ValidationContext,
): ValidationError[] {
  const errors: ValidationError[] = Object.keys(written)
    .filter((field) => !Object.hasOwn(definition.config.shape, field))
    .map((field) => ({ nodeId, field, message: `"${definition.type}" has no config field "${field}"` }));
  const parsed = definition.config.safeParse(config);
  if (!parsed.success) {
    return [
      ...errors,
      ...parsed.error.issues.map((issue) => ({
        nodeId,
        field: issue.path.map(String).join('.') || undefined,
        message: issue.code === 'invalid_type' && valueAt(config, issue.path) === undefined ? 'required' : issue.message,
      })),
    ];
  }
  const known = [...context.providers].join(', ') || 'none configured';
  for (const [field, schema] of Object.entries(definition.config.shape)) {
    const value = (parsed.data as Record<string, unknown>)[field];
    for (const name of providerNames(schema, value)) {
      if (!context.providers.has(name)) {
        errors.push({ nodeId, field, message: `unknown provider profile "${name}" (known: ${known})` });
      }
    }
    for (const name of hostNames(schema, value)) {
      if (!context.hosts.has(name)) errors.push({ nodeId, field, message: `unknown host "${name}"` });
    }
    const schemaError = fieldKind(schema) === 'json-schema' && value !== undefined && jsonSchemaError(value as Record<string, unknown>);
    if (schemaError) errors.push({ nodeId, field, message: schemaError });
  }
  return errors;
}

/** Why a config field's JSON Schema cannot check a reply (ajv cannot compile it), so no item is sent for nothing. */
function jsonSchemaError(schema: Record<string, unknown>): string | undefined {
  try {
    compileJsonSchema(schema);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The value at a zod issue's path in `config`; undefined where the path leaves it. */
function valueAt(config: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), config);
}
