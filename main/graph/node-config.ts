import type { ConfigSchema } from '../../nodes/sdk/define.ts';
import { inheritedVideoSetting } from '../../nodes/sdk/video-budget.ts';
import type { GraphFile, GraphNode } from './format.ts';

/**
 * A node's config as it runs: the graph's settings for the fields that inherit them and that the node leaves unset,
 * then the node's own values. Validation, the executor and `explain` all read configs through this, so an inherited
 * value is validated, keyed and explained like one written on the node.
 */
export function effectiveConfig(
  graph: Pick<GraphFile, 'settings'>,
  node: Pick<GraphNode, 'config'>,
  schema: ConfigSchema,
): Record<string, unknown> {
  const video = graph.settings?.video;
  if (!video) return node.config;
  const inherited: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(schema.shape)) {
    const key = inheritedVideoSetting(fieldSchema);
    if (key !== undefined && video[key] !== undefined && !Object.hasOwn(node.config, field)) inherited[field] = video[key];
  }
  return { ...inherited, ...node.config };
}
