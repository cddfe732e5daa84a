import type { GraphFile } from './format.ts';

/**
 * Graph files are shared, so they never hold secrets: keys belong to provider profiles (env var or OS keychain).
 * This is the last guard before anything is written or served: secret-looking config fields are removed.
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

export interface SecretFinding {
  nodeId: string;
  field: string;
}

function looksSecret(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  // A field that names an env var holding the key (`apiKeyEnv`) is a reference, not a secret.
  if (/env$/i.test(key) && /^[A-Z_][A-Z0-9_]*$/.test(value)) return false;
  return SECRET_FIELD.test(key) || TOKEN_FIELD.test(key) || SECRET_VALUE.some((pattern) => pattern.test(value));
}

function scrub(value: unknown, path: string, found: string[]): unknown {
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
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const fieldPath = path ? `${path}.${key}` : key;
      if (looksSecret(key, v)) found.push(fieldPath);
      else out[key] = scrub(v, fieldPath, found);
    }
    return out;
  }
  if (typeof value === 'string' && SECRET_VALUE.some((pattern) => pattern.test(value))) {
    found.push(path);
    return undefined;
  }
  return value;
}

/** A copy of the graph without secret-looking config values, and where they were. */
export function withoutSecrets(graph: GraphFile): { graph: GraphFile; removed: SecretFinding[] } {
  const removed: SecretFinding[] = [];
  const nodes = graph.nodes.map((node) => {
    const found: string[] = [];
    const config = scrub(node.config, '', found) as Record<string, unknown>;
    for (const field of found) removed.push({ nodeId: node.id, field });
    return found.length ? { ...node, config } : node;
  });
  return { graph: removed.length ? { ...graph, nodes } : graph, removed };
}
