import { randomUUID } from 'node:crypto';
import type { GraphNode } from '../graph/format.ts';
import type { RunStore } from '../store/index.ts';
import type { FingerprintContext, NodeDefinition } from '../../nodes/sdk/index.ts';
import { semanticConfig, type Ingredients } from './cache-key.ts';

/**
 * The ingredients of a node's key, as a run would compute them now. Used by the executor and by `explain`, so
 * the explanation is always the executor's own reasoning.
 */
export async function buildIngredients(args: {
  store: RunStore;
  graphName: string;
  node: GraphNode;
  definition: NodeDefinition;
  config: Record<string, unknown>;
  inputs: Record<string, string[]>;
  fingerprintContext: FingerprintContext;
  /** The run asking, left out when looking for the previous run of the node. */
  runId?: string;
}): Promise<Ingredients> {
  const { definition, config } = args;
  const fingerprints = definition.fingerprint ? await definition.fingerprint(args.fingerprintContext, config) : {};
  const ingredients: Ingredients = {
    type: definition.type,
    typeVersion: definition.version,
    ...semanticConfig(definition, config),
    inputs: args.inputs,
    fingerprints,
  };
  if (definition.deterministic === false) ingredients.salt = salt(args.store, args.graphName, args.node.id, args.runId);
  return ingredients;
}

/** A fresh salt per run, except that a run after an unfinished one reuses its salt, and so resumes it. */
function salt(store: RunStore, graphName: string, nodeId: string, runId: string | undefined): string {
  const previous = store.runs.previousNodeRun(graphName, nodeId, runId);
  if (previous?.salt && previous.state !== 'done' && previous.state !== 'cached') return previous.salt;
  return randomUUID();
}
