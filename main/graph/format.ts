import { z } from 'zod';
import { videoBudgetSchema } from '../../nodes/sdk/video-budget.ts';

/** The `*.rewatch.json` graph file. Isomorphic: the engine, the CLI and the editor all read it through this schema. */
export const GRAPH_FORMAT = 'rewatch-studio/graph';
export const GRAPH_FORMAT_VERSION = 1;

const identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits and _ . : - only');

const portRefSchema = z.object({
  node: identifier.describe('Id of the node.'),
  port: identifier.describe('Name of the port on that node.'),
});

const graphEdgeSchema = z.looseObject({
  id: identifier,
  from: portRefSchema.describe('An output port.'),
  to: portRefSchema.describe('An input port.'),
});

const graphNodeSchema = z.looseObject({
  id: identifier,
  type: z.string().min(1).describe('Node type id, e.g. `core.llm-map`.'),
  typeVersion: z.number().int().min(1).describe('Version of the node type the config was written for.'),
  position: z.object({ x: z.number(), y: z.number() }),
  label: z.string().optional(),
  notes: z.string().optional(),
  config: z.record(z.string(), z.unknown()).describe('Config values keyed by field name.'),
  host: z.string().min(1).optional().describe('Name of a host from the settings; local when absent.'),
});

/** Settings of the whole graph that nodes inherit unless they set their own. */
const graphSettingsSchema = z.object({
  video: videoBudgetSchema
    .partial()
    .optional()
    .describe('The video budget (fps, frames, pixels per frame) for every node that samples, exports or trains on video.'),
});

export const graphFileSchema = z.looseObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_FORMAT_VERSION),
  name: z.string().min(1),
  description: z.string().optional(),
  settings: graphSettingsSchema.optional(),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
});

export type GraphEdge = z.infer<typeof graphEdgeSchema>;
export type GraphNode = z.infer<typeof graphNodeSchema>;
export type GraphFile = z.infer<typeof graphFileSchema>;
export type GraphSettings = z.infer<typeof graphSettingsSchema>;

export function emptyGraph(name: string): GraphFile {
  return { format: GRAPH_FORMAT, version: GRAPH_FORMAT_VERSION, name, nodes: [], edges: [] };
}
