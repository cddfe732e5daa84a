import type { z } from 'zod';
import type { NodeDefinition } from '../../nodes/sdk/index.ts';
import type { JsonObject } from '../../nodes/sdk/data-types.ts';
import { GRAPH_LIMITS, graphValueViolation } from './bounds.ts';
import { GRAPH_FORMAT, graphFileSchema, type GraphFile, type GraphNode } from './format.ts';
import { migrateFormat } from './migrations.ts';

export type NodeLookup = (type: string) => NodeDefinition | undefined;

/** Something about a loaded graph the user should know; never a reason to drop a node or an edge. */
export interface LoadNotice {
  kind: 'unknown-type' | 'newer-type-version' | 'migrated' | 'migration-missing';
  nodeId: string;
  message: string;
}

export interface ParsedGraph {
  graph: GraphFile;
  notices: LoadNotice[];
}

export class GraphFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'GraphFileError';
  }
}

function pathText(raw: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let cursor: unknown = raw;
  for (const key of path) {
    if (typeof key === 'number') {
      const id = (cursor as unknown[] | undefined)?.[key];
      const nodeId = id && typeof id === 'object' && typeof (id as { id?: unknown }).id === 'string';
      parts.push(nodeId ? `[${key} id=${JSON.stringify((id as { id: string }).id)}]` : `[${key}]`);
    } else {
      parts.push(parts.length ? `.${String(key)}` : String(key));
    }
    cursor = cursor && typeof cursor === 'object' ? (cursor as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return parts.join('') || '(top level)';
}

function describeIssues(raw: unknown, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${pathText(raw, issue.path)}: ${issue.message}`);
}

/**
 * Where JSON.parse stopped. V8 names the position in some messages only ("Unexpected token '}', ... is not valid
 * JSON" has none), so otherwise this finds the longest prefix that is still the start of a JSON text: the error is
 * at the character after it.
 */
function syntaxErrorOffset(text: string, message: string): number {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  const startsJson = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const reason = (error as Error).message;
      if (/end of JSON input/.test(reason)) return true;
      const position = /position (\d+)/.exec(reason);
      return position !== null && Number(position[1]) >= length;
    }
  };
  let low = 0; // a prefix that starts a JSON text (the empty one does)
  let high = text.length; // one that does not, or the whole text
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (startsJson(middle)) low = middle;
    else high = middle;
  }
  return startsJson(high) ? high : low;
}

function jsonSyntaxProblem(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = syntaxErrorOffset(text, message);
  const before = text.slice(0, offset).split('\n');
  return `not valid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (${message})`;
}

function upgradeNode(node: GraphNode, lookup: NodeLookup, notices: LoadNotice[]): GraphNode {
  const definition = lookup(node.type);
  if (!definition) {
    notices.push({
      kind: 'unknown-type',
      nodeId: node.id,
      message: `node type "${node.type}" is not installed; the node and its edges are kept as they are`,
    });
    return node;
  }
  if (node.typeVersion > definition.version) {
    notices.push({
      kind: 'newer-type-version',
      nodeId: node.id,
      message: `"${node.type}" version ${node.typeVersion} is newer than the installed version ${definition.version}; the node is kept as it is`,
    });
    return node;
  }
  let config = node.config as JsonObject;
  for (let version = node.typeVersion; version < definition.version; version += 1) {
    const step = definition.migrations?.[version];
    if (!step) {
      notices.push({
        kind: 'migration-missing',
        nodeId: node.id,
        message: `"${node.type}" has no migration from version ${version}; the node is kept at version ${node.typeVersion}`,
      });
      return node;
    }
    config = step(config);
  }
  if (node.typeVersion === definition.version) return node;
  notices.push({
    kind: 'migrated',
    nodeId: node.id,
    message: `"${node.type}" config upgraded from version ${node.typeVersion} to ${definition.version}`,
  });
  return { ...node, typeVersion: definition.version, config };
}

/** Parses a graph file's text: format migrations, schema check, node config migrations. Throws `GraphFileError`. */
export function parseGraph(text: string, source: string, lookup: NodeLookup): ParsedGraph {
  if (text.length > GRAPH_LIMITS.characters) {
    throw new GraphFileError(source, [`the file is larger than ${GRAPH_LIMITS.characters.toLocaleString('en')} characters`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GraphFileError(source, [jsonSyntaxProblem(text, error)]);
  }
  return parseGraphValue(raw, source, lookup);
}

export function parseGraphValue(raw: unknown, source: string, lookup: NodeLookup): ParsedGraph {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new GraphFileError(source, ['expected a JSON object at the top level']);
  }
  const violation = graphValueViolation(raw);
  if (violation) {
    throw new GraphFileError(source, [`${pathText(raw, violation.path)}${violation.truncated ? '…' : ''}: ${violation.message}`]);
  }
  const record = raw as Record<string, unknown>;
  if (record.format !== GRAPH_FORMAT) {
    throw new GraphFileError(source, [
      `"format" must be "${GRAPH_FORMAT}", got ${JSON.stringify(record.format)}: this is not a ReWatch Studio graph`,
    ]);
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrateFormat(record);
  } catch (error) {
    throw new GraphFileError(source, [(error as Error).message]);
  }
  const result = graphFileSchema.safeParse(migrated);
  if (!result.success) throw new GraphFileError(source, describeIssues(migrated, result.error));
  const notices: LoadNotice[] = [];
  const nodes = result.data.nodes.map((node) => upgradeNode(node, lookup, notices));
  return { graph: { ...result.data, nodes }, notices };
}
