import { createHash } from 'node:crypto';
import type { ExplainChange } from '../api/contract.ts';
import { canonicalJson } from '../graph/canonical.ts';
import { fieldKind, isSemanticField, type NodeDefinition } from '../../nodes/sdk/index.ts';
import { isServedProfilePort, servedProfileOfPort } from './served-profiles.ts';

/** Everything a node's output depends on. Its hash is the node key; labels, positions and run settings are not in it. */
export interface Ingredients {
  type: string;
  typeVersion: number;
  config: Record<string, unknown>;
  prompts: Record<string, string>;
  /** Input port → output hashes of the upstream ports feeding it, in edge order. */
  inputs: Record<string, string[]>;
  fingerprints: Record<string, string>;
  /** Only for non-deterministic nodes: changes on every fresh run, kept when a run resumes. */
  salt?: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function nodeKey(ingredients: Ingredients): string {
  return sha256(canonicalJson(ingredients));
}

/** Splits a parsed config into semantic fields and prompt texts, leaving run settings out. */
export function semanticConfig(definition: NodeDefinition, config: Record<string, unknown>) {
  const semantic: Record<string, unknown> = {};
  const prompts: Record<string, string> = {};
  for (const [field, schema] of Object.entries(definition.config.shape)) {
    if (!isSemanticField(schema) || config[field] === undefined) continue;
    if (fieldKind(schema) === 'prompt') prompts[field] = String(config[field]);
    else semantic[field] = config[field];
  }
  return { config: semantic, prompts };
}

/**
 * The key shared by every item of a map node: the node's ingredients without the inputs keyed item by item (the
 * mapped input, and joined side inputs, whose groups go into each item's key). One changed upstream item then
 * re-runs one item, not the whole node.
 */
export function itemScopeKey(ingredients: Ingredients, itemPorts: readonly string[]): string {
  const sideInputs = Object.fromEntries(Object.entries(ingredients.inputs).filter(([port]) => !itemPorts.includes(port)));
  return sha256(canonicalJson({ ...ingredients, inputs: sideInputs }));
}

/** `joined`: the item's groups of joined side inputs (`JoinedGroups.key`), for nodes that have such ports. */
export function itemKey(scopeKey: string, itemJson: string, joined?: string): string {
  const hash = createHash('sha256').update(scopeKey).update('\n').update(itemJson);
  if (joined !== undefined) hash.update('\n').update(joined);
  return hash.digest('hex');
}

function preview(value: unknown): string {
  const text = value === undefined ? 'unset' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null))
    .sort();
}

/** What differs between the ingredients of the last run and now, in words a user can act on. */
export function describeChanges(
  before: Ingredients,
  after: Ingredients,
  inputSources: Record<string, string>,
): ExplainChange[] {
  const changes: ExplainChange[] = [];
  if (before.type !== after.type || before.typeVersion !== after.typeVersion) {
    changes.push({
      kind: 'type',
      message: `node type changed: ${before.type} v${before.typeVersion} → ${after.type} v${after.typeVersion}`,
    });
  }
  for (const field of changedKeys(before.config, after.config)) {
    changes.push({
      kind: 'config',
      field,
      message: `config "${field}" changed: ${preview(before.config[field])} → ${preview(after.config[field])}`,
    });
  }
  for (const field of changedKeys(before.prompts, after.prompts)) {
    changes.push({ kind: 'prompt', field, message: `prompt "${field}" changed` });
  }
  for (const port of changedKeys(before.inputs, after.inputs)) {
    const source = inputSources[port];
    const message = isServedProfilePort(port)
      ? `the model served as profile "${servedProfileOfPort(port)}"${source ? ` by ${source}` : ''} changed (model, engine or server arguments)`
      : `input "${port}" changed${source ? ` (the output of ${source} differs)` : ''}`;
    changes.push({ kind: 'input', field: port, message });
  }
  for (const name of changedKeys(before.fingerprints, after.fingerprints)) {
    changes.push({ kind: 'fingerprint', field: name, message: `external input "${name}" changed` });
  }
  if (before.salt !== after.salt) {
    changes.push({ kind: 'nondeterministic', message: 'the node is declared non-deterministic, so every fresh run re-runs it' });
  }
  return changes;
}
