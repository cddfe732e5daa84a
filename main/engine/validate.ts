import type { ValidationError } from '../api/contract.ts';
import type { GraphFile } from '../graph/format.ts';
import { effectiveConfig } from '../graph/node-config.ts';
import { fieldKind, hostNames, listDataTypes, providerNames, type NodeDefinition } from '../../nodes/sdk/index.ts';
import { edgeProblems, type EdgeProblem, type RuleGraph } from '../graph/rules.ts';
import { compileJsonSchema } from '../llm/schema-validate.ts';
import { describePorts, type NodeCatalog } from './catalog.ts';
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
  const edgesInto = new Set<string>();
  const rules = ruleGraph(graph, definitions);
  graph.edges.forEach((edge, index) => {
    if (seenEdges.has(edge.id)) errors.push({ nodeId: edge.to.node, message: `edge id "${edge.id}" is used twice` });
    seenEdges.add(edge.id);
    if (!included(edge.to.node)) return;
    if (!seenNodes.has(edge.from.node)) {
      errors.push({ nodeId: edge.to.node, field: edge.to.port, message: `edge "${edge.id}" comes from missing node "${edge.from.node}"` });
      return;
    }
    if (!seenNodes.has(edge.to.node)) {
      errors.push({ nodeId: edge.from.node, field: edge.from.port, message: `edge "${edge.id}" goes to missing node "${edge.to.node}"` });
      return;
    }
    edgesInto.add(`${edge.to.node}\u0000${edge.to.port}`);
    for (const problem of edgeProblems(rules, edge, graph.edges.slice(0, index))) {
      const error = edgeError(problem, edge);
      if (error) errors.push(error);
    }
  });

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

/** The graph as the shared rules read it: only the nodes of an installed type and version have ports. */
export function ruleGraph(graph: GraphFile, definitions: ReadonlyMap<string, NodeDefinition>): RuleGraph {
  const described = new Map([...definitions].map(([nodeId, d]) => [nodeId, { type: d.type, title: d.title, inputs: describePorts(d.inputs), outputs: describePorts(d.outputs) }]));
  const dataTypes = new Map(listDataTypes().map((t) => [t.id, t]));
  return { ports: (nodeId) => described.get(nodeId), edges: graph.edges, dataType: (id) => dataTypes.get(id) };
}

/** An edge rule's verdict as a validation error; a single input fed several times is reported at its second edge only. */
function edgeError(problem: EdgeProblem, edge: GraphFile['edges'][number]): ValidationError | undefined {
  const into = { nodeId: edge.to.node, field: edge.to.port };
  switch (problem.rule) {
    case 'no-output':
      return { nodeId: edge.from.node, field: edge.from.port, message: `edge "${edge.id}": "${problem.ports.type}" has no output "${edge.from.port}"` };
    case 'no-input':
      return { ...into, message: `edge "${edge.id}": "${problem.ports.type}" has no input "${edge.to.port}"` };
    case 'type-mismatch':
      return { ...into, message: `input "${edge.to.port}" takes ${problem.toType}, but "${edge.from.node}.${edge.from.port}" gives ${problem.fromType}` };
    case 'single-input-taken':
      return problem.taken.length === 1 ? { ...into, message: `input "${edge.to.port}" takes one edge, but has several` } : undefined;
    default:
      return undefined;
  }
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
export function jsonSchemaError(schema: Record<string, unknown>): string | undefined {
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
