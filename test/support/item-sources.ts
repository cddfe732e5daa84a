/**
 * Test node types that emit typed items from their config, so a graph can feed real DenseCaption / QA / MCQ / … items
 * to the node under test. Each output port gets the config field of the same name, validated by its data type's schema.
 */
import { z } from 'zod';
import { defineOnceNode, type DataType, type NodeDefinition } from '../../nodes/sdk/index.ts';

export function itemSource(type: string, ports: Readonly<Record<string, DataType>>): NodeDefinition {
  const entries = Object.entries(ports);
  return defineOnceNode({
    type,
    version: 1,
    title: `Test items (${entries.map(([, t]) => t.title).join(', ')})`,
    category: 'Test',
    description: 'Emits the items of its config, one config field per output port.',
    inputs: {},
    outputs: Object.fromEntries(entries.map(([port, t]) => [port, { type: t, description: `${t.title} items from config.` }])),
    config: z.object(Object.fromEntries(entries.map(([port, t]) => [port, z.array(t.schema).default([])]))),
    async execute(_ctx, _inputs, config) {
      return config as Record<string, unknown[]>;
    },
  });
}
