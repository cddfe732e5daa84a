import type { GraphFile } from './format.ts';

/**
 * Graph files are shared, so they never hold secrets: keys belong to provider profiles (env var or OS keychain).
 * This is the last guard before a graph is written (a file, a run record) or served: every secret-looking value is
 * removed, wherever it is (config, notes, label, description, settings, unknown kept keys), and its path reported.
 */

const SECRET_FIELD = /(api[-_]?key|secret|passw(or)?d|passphrase|authorization|bearer|credential|private[-_]?key)/i;
/** `token`, `accessToken`, `hf_token`: but not `tokenizer` or `maxTokens`. */
const TOKEN_FIELD = /token$/i;
const SECRET_VALUE = [
  /\bsk-[A-Za-z0-9_-]{16,}/, // OpenAI-style keys
  /\bhf_[A-Za-z0-9]{20,}/, // Hugging Face tokens
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access keys
  /\bgh[pousr]_[A-Za-z0-9]{30,}/, // GitHub tokens
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/**
 * The fields that make a graph a graph (its format, name, ids, types, positions and wiring). They are identifiers
 * checked by the graph schema, not free text, and removing one would leave a file that no longer loads.
 */
const GRAPH_STRUCTURE = new Set(['format', 'version', 'name', 'nodes', 'edges']);
const NODE_STRUCTURE = new Set(['id', 'type', 'typeVersion', 'position']);
const EDGE_STRUCTURE = new Set(['id', 'from', 'to']);

/** Where a removed value was, e.g. `nodes[ask].config.headers.Authorization` or `description`; never the value. */
export type SecretPath = string;

export function containsSecretValue(text: string): boolean {
  return SECRET_VALUE.some((pattern) => pattern.test(text));
}

/** `text` with every secret-looking value (API keys, tokens, private keys) replaced by `***`. */
export function maskSecretValues(text: string): string {
  return SECRET_VALUE.reduce((masked, pattern) => masked.replace(new RegExp(pattern.source, 'g'), '***'), text);
}

function looksSecret(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  // A field that names an env var holding the key (`apiKeyEnv`) is a reference, not a secret.
  if (/env$/i.test(key) && /^[A-Z_][A-Z0-9_]*$/.test(value)) return false;
  return SECRET_FIELD.test(key) || TOKEN_FIELD.test(key) || containsSecretValue(value);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function scrub(value: unknown, path: string, found: SecretPath[]): unknown {
  if (Array.isArray(value)) {
    // A removed array element is left out (not left as `undefined`, which JSON cannot hold); paths keep the
    // element's index in the original array.
    const out: unknown[] = [];
    value.forEach((v, i) => {
      const before = found.length;
      const clean = scrub(v, `${path}[${i}]`, found);
      if (!(clean === undefined && found.length > before)) out.push(clean);
    });
    return out;
  }
  if (value && typeof value === 'object') return scrubFields(value as Record<string, unknown>, path, found, new Set());
  if (typeof value === 'string' && containsSecretValue(value)) {
    found.push(path);
    return undefined;
  }
  return value;
}

/** `record` without its secret-looking fields; the `structure` keys are kept as they are. */
function scrubFields(record: Record<string, unknown>, path: string, found: SecretPath[], structure: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    const fieldPath = join(path, key);
    if (structure.has(key)) out[key] = v;
    else if (looksSecret(key, v)) found.push(fieldPath);
    else out[key] = scrub(v, fieldPath, found);
  }
  return out;
}

/** A copy of the graph without secret-looking values, and where they were. The graph is returned as it is when clean. */
export function withoutSecrets(graph: GraphFile): { graph: GraphFile; removed: SecretPath[] } {
  const removed: SecretPath[] = [];
  const clean = scrubFields(graph, '', removed, GRAPH_STRUCTURE) as GraphFile;
  clean.nodes = graph.nodes.map((node) => scrubFields(node, `nodes[${node.id}]`, removed, NODE_STRUCTURE) as GraphFile['nodes'][number]);
  clean.edges = graph.edges.map((edge) => scrubFields(edge, `edges[${edge.id}]`, removed, EDGE_STRUCTURE) as GraphFile['edges'][number]);
  return { graph: removed.length ? clean : graph, removed };
}

/** One line for the user: what was removed, by path. */
export function describeRemovedSecrets(removed: readonly SecretPath[]): string {
  return `removed ${removed.length} secret-looking value${removed.length === 1 ? '' : 's'} (keys belong in provider profiles' apiKeyEnv): ${removed.join(', ')}`;
}
