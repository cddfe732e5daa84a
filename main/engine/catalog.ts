import { z } from 'zod';
import type { Catalog, NodeTypeInfo, PortInfo } from '../api/contract.ts';
import { listDataTypes, type NodeDefinition, type PortsSpec } from '../../nodes/sdk/index.ts';

/** The installed node types, looked up by type id. */
export class NodeCatalog {
  readonly #byType = new Map<string, NodeDefinition>();

  constructor(definitions: readonly NodeDefinition[]) {
    for (const definition of definitions) {
      if (this.#byType.has(definition.type)) throw new Error(`node type "${definition.type}" is registered twice`);
      this.#byType.set(definition.type, definition);
    }
  }

  get(type: string): NodeDefinition | undefined {
    return this.#byType.get(type);
  }

  definitions(): NodeDefinition[] {
    return [...this.#byType.values()];
  }

  readonly lookup = (type: string): NodeDefinition | undefined => this.get(type);

  describe(): Catalog {
    return {
      nodes: [...this.#byType.values()].map(describeNode),
      dataTypes: listDataTypes().map(({ id, title, description, color, accepts }) => ({
        id,
        title,
        description,
        color,
        accepts: [...accepts],
      })),
    };
  }
}

/** A node definition's ports as the API (and the graph rules) describe them. */
export function describePorts(spec: PortsSpec): PortInfo[] {
  return Object.entries(spec).map(([name, port]) => ({
    name,
    dataType: port.type.id,
    description: port.description,
    optional: port.optional ?? false,
    multiple: port.multiple ?? false,
    ...(port.sameTypeAs ? { sameTypeAs: port.sameTypeAs } : {}),
  }));
}

function describeNode(definition: NodeDefinition): NodeTypeInfo {
  return {
    type: definition.type,
    version: definition.version,
    title: definition.title,
    category: definition.category,
    description: definition.description,
    mode: definition.mode,
    ...(definition.mode === 'map' ? { over: definition.over } : {}),
    deterministic: definition.deterministic ?? true,
    inputs: describePorts(definition.inputs),
    outputs: describePorts(definition.outputs),
    configSchema: z.toJSONSchema(definition.config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    ...(definition.servesProfile ? { servesProfile: { ...definition.servesProfile } } : {}),
  };
}
