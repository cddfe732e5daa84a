import { existsSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import YAML, { type Document, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { ApiError, type SettingsKind } from '../api/contract.ts';

/**
 * The data dir's settings files as the editor edits them: entries read and written through the `yaml` library's
 * Document API, so comments, key order and formatting of everything not edited stay as the user wrote them. A scalar
 * whose node is kept (its `value` set in place) keeps its comments; `get(key, true)` gives the node
 * (eemeli/yaml, docs/05_content_nodes.md at 04b19775459399a0e520ec503146b0f7711d873a: "Modifying Nodes", "Comments").
 */

/** The names each file may have, in the order `loadProviders`/`loadHosts` look for them. */
const FILE_NAMES: Record<SettingsKind, readonly string[]> = {
  providers: ['providers.yaml', 'providers.yml', 'providers.json'],
  hosts: ['hosts.yaml', 'hosts.yml', 'hosts.json'],
};

/** The data dir's file of this kind: the one the engine reads, else (none yet) `<kind>.yaml`. */
export function settingsFilePath(dataDir: string, kind: SettingsKind): string {
  const names = FILE_NAMES[kind];
  return names.map((name) => join(dataDir, name)).find(existsSync) ?? join(dataDir, names[0]!);
}

/** A settings file open for editing: its document and the entries it holds. */
export class SettingsDocument {
  private constructor(
    readonly path: string,
    readonly kind: SettingsKind,
    private readonly doc: Document,
  ) {}

  /** Reads `path` (an empty document when it does not exist yet); a file that is not YAML is a 400 naming it. */
  static async open(path: string, kind: SettingsKind): Promise<SettingsDocument> {
    const text = existsSync(path) ? await readFile(path, 'utf8') : '';
    const doc = YAML.parseDocument(text);
    if (doc.errors.length) throw new ApiError(400, `${path}: cannot parse: ${doc.errors[0]!.message}`);
    const list: unknown = doc.get(kind);
    if (list !== undefined && list !== null && !isSeq(list)) throw new ApiError(400, `${path}: ${kind} must be a list`);
    return new SettingsDocument(path, kind, doc);
  }

  /** The entries as plain values, in file order (maps, unless the file is broken). */
  entries(): unknown[] {
    const list = this.#list();
    return list ? (list.toJS(this.doc) as unknown[]) : [];
  }

  /** The position of the entry with this `name`; -1 when there is none. */
  indexOf(name: string): number {
    return this.entries().findIndex((entry) => (entry as { name?: unknown } | null)?.name === name);
  }

  /** Replaces entry `index` (changing only the keys whose values differ), or appends when `index` is -1. */
  put(index: number, entry: Record<string, unknown>): void {
    const list = this.#list() ?? this.#newList();
    const current = list.items[index];
    if (index >= 0 && isMap(current)) updateMap(this.doc, current, entry);
    else if (index >= 0) list.items[index] = this.doc.createNode(entry);
    else list.add(this.doc.createNode(entry));
  }

  remove(index: number): void {
    this.#list()?.delete(index);
  }

  /** Writes the file through a temporary file and a rename, keeping the file's mode (0600 for a new file). */
  async save(): Promise<void> {
    const text = this.path.toLowerCase().endsWith('.json') ? `${JSON.stringify(this.doc.toJS(), null, 2)}\n` : this.doc.toString();
    const mode = existsSync(this.path) ? (await stat(this.path)).mode & 0o777 : 0o600;
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode });
    await rename(temporary, this.path);
  }

  #list(): YAMLSeq | undefined {
    const list: unknown = this.doc.get(this.kind, true);
    return isSeq(list) ? list : undefined;
  }

  #newList(): YAMLSeq {
    const list = this.doc.createNode([]) as YAMLSeq;
    this.doc.set(this.kind, list);
    return list;
  }
}

/** Sets `map` to `value` key by key: unchanged values keep their nodes (and comments), a changed scalar its node. */
function updateMap(doc: Document, map: YAMLMap, value: Record<string, unknown>): void {
  for (const pair of [...map.items]) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (typeof key === 'string' && !Object.hasOwn(value, key)) map.delete(key);
  }
  for (const [key, next] of Object.entries(value)) {
    const node: unknown = map.get(key, true);
    if (isScalar(node) && (next === null || typeof next !== 'object')) {
      if (node.value !== next) node.value = next;
    } else if (isMap(node) && isRecord(next)) {
      updateMap(doc, node, next);
    } else if (!isDeepStrictEqual(YAML.isNode(node) ? node.toJS(doc) : node, next)) {
      map.set(key, doc.createNode(next));
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
