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

/** A stage of the pipeline drawn as a titled frame around its nodes; auto-layout keeps a group's nodes together. */
const graphGroupSchema = z.object({
  id: identifier,
  title: z.string().min(1).max(200),
  nodes: z.array(identifier).min(1).describe('Ids of the nodes in the group; a node is in one group at most.'),
});

/** Where `groups` disagree with `nodes`: a duplicate group id, a member that is no node, a node in two groups. */
function checkGroups(graph: { nodes: readonly { id: string }[]; groups?: readonly GraphGroup[] }, ctx: z.RefinementCtx): void {
  const nodeIds = new Set(graph.nodes.map((n) => n.id));
  const groupIds = new Set<string>();
  const groupOf = new Map<string, string>();
  for (const [g, group] of (graph.groups ?? []).entries()) {
    if (groupIds.has(group.id)) ctx.addIssue({ code: 'custom', path: ['groups', g, 'id'], message: `a second group "${group.id}"` });
    groupIds.add(group.id);
    for (const [m, member] of group.nodes.entries()) {
      const path = ['groups', g, 'nodes', m];
      const other = groupOf.get(member);
      if (!nodeIds.has(member)) ctx.addIssue({ code: 'custom', path, message: `no node "${member}" in the graph` });
      else if (other !== undefined) ctx.addIssue({ code: 'custom', path, message: `node "${member}" is already in group "${other}"` });
      else groupOf.set(member, group.id);
    }
  }
}

export const graphFileSchema = z
  .looseObject({
    format: z.literal(GRAPH_FORMAT),
    version: z.literal(GRAPH_FORMAT_VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    settings: graphSettingsSchema.optional(),
    groups: z.array(graphGroupSchema).optional().describe('Stages drawn as frames around their nodes.'),
    nodes: z.array(graphNodeSchema),
    edges: z.array(graphEdgeSchema),
  })
  .superRefine(checkGroups);

export type GraphEdge = z.infer<typeof graphEdgeSchema>;
export type GraphNode = z.infer<typeof graphNodeSchema>;
export type GraphFile = z.infer<typeof graphFileSchema>;
export type GraphSettings = z.infer<typeof graphSettingsSchema>;
export type GraphGroup = z.infer<typeof graphGroupSchema>;

export function emptyGraph(name: string): GraphFile {
  return { format: GRAPH_FORMAT, version: GRAPH_FORMAT_VERSION, name, nodes: [], edges: [] };
}
