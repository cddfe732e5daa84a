import type { Db } from '../store/database.ts';
import type { NodeDefinition } from '../../nodes/sdk/index.ts';
import { DenseCaptionType } from '../../nodes/rewatch/types.ts';
import { LruMap } from './lru.ts';

/**
 * C_detail by caption id, read from the run store: the DenseCaption items among the stored node outputs
 * (`output_rows` of the `outputs` whose node type has a DenseCaption output port — `rewatch.captioner` in the
 * installed catalog).
 *
 * Why a lazily built id → row map rather than a `json_extract(data, '$.id') = ?` query per lookup: `output_rows`
 * has no index on the item id, so each such query parses every stored caption (tens of KB each, thousands of them)
 * and a GRPO step asks for hundreds of captions. The map holds only row addresses (node key, port, seq), is built
 * by one such scan, and afterwards only new caption outputs are scanned; a lookup is then a primary-key read of one
 * row. The texts themselves sit in a small LRU (the rollouts of a question share a caption). Everything here is a
 * read; the run store's schema is untouched.
 */

/** A node type and one of its output ports that carry DenseCaption items. */
export interface CaptionSource {
  nodeType: string;
  port: string;
}

/** Every (node type, output port) of `definitions` whose items are DenseCaptions. */
export function captionSources(definitions: readonly NodeDefinition[]): CaptionSource[] {
  return definitions.flatMap((definition) =>
    Object.entries(definition.outputs)
      .filter(([, port]) => port.type.id === DenseCaptionType.id)
      .map(([port]) => ({ nodeType: definition.type, port })),
  );
}

interface RowAddress {
  nodeKey: string;
  port: string;
  seq: number;
  createdAt: number;
}

export interface CaptionIndexStats {
  /** Distinct caption ids indexed. */
  captions: number;
  /** Stored outputs the ids come from. */
  outputs: number;
}

export class CaptionIndex {
  readonly #db: Db;
  readonly #portsByType = new Map<string, Set<string>>();
  /** caption id → where its newest copy is stored. */
  #byId = new Map<string, RowAddress>();
  /** The caption outputs already scanned, with the `created_at` they had then. */
  #scanned = new Map<string, number>();
  readonly #texts: LruMap<string, string>;
  readonly #listOutputs;
  readonly #outputRows;
  readonly #row;

  constructor(db: Db, sources: readonly CaptionSource[], options: { textCacheSize?: number } = {}) {
    this.#db = db;
    for (const { nodeType, port } of sources) {
      const ports = this.#portsByType.get(nodeType) ?? new Set<string>();
      ports.add(port);
      this.#portsByType.set(nodeType, ports);
    }
    this.#texts = new LruMap(options.textCacheSize ?? 512);
    const types = [...this.#portsByType.keys()];
    this.#listOutputs = db.prepare<string[], { node_key: string; node_type: string; created_at: number }>(
      types.length
        ? `SELECT node_key, node_type, created_at FROM outputs WHERE node_type IN (${types.map(() => '?').join(', ')})`
        : 'SELECT node_key, node_type, created_at FROM outputs WHERE 0',
    );
    this.#outputRows = db.prepare<[string, string], { seq: number; id: unknown }>(
      "SELECT seq, json_extract(data, '$.id') AS id FROM output_rows WHERE node_key = ? AND port = ?",
    );
    this.#row = db.prepare<[string, string, number], { data: string }>(
      'SELECT data FROM output_rows WHERE node_key = ? AND port = ? AND seq = ?',
    );
  }

  /**
   * Brings the map up to date with the store: scans the caption outputs stored since the last refresh; rebuilds
   * from scratch when an output was pruned or rewritten. Cheap when nothing changed (one query on `outputs`).
   */
  refresh({ rebuild = false }: { rebuild?: boolean } = {}): void {
    const current = this.#listOutputs.all(...this.#portsByType.keys());
    const currentKeys = new Map(current.map((o) => [o.node_key, o.created_at]));
    const stale = rebuild || [...this.#scanned].some(([key, createdAt]) => currentKeys.get(key) !== createdAt);
    if (stale) {
      this.#byId = new Map();
      this.#scanned = new Map();
      this.#texts.clear();
    }
    const fresh = current.filter((o) => !this.#scanned.has(o.node_key));
    if (fresh.length === 0) return;
    this.#db.transaction(() => {
      for (const output of fresh) {
        for (const port of this.#portsByType.get(output.node_type) ?? []) {
          for (const row of this.#outputRows.iterate(output.node_key, port)) {
            if (typeof row.id !== 'string') continue;
            const known = this.#byId.get(row.id);
            if (known && known.createdAt > output.created_at) continue;
            this.#byId.set(row.id, { nodeKey: output.node_key, port, seq: row.seq, createdAt: output.created_at });
          }
        }
        this.#scanned.set(output.node_key, output.created_at);
      }
    })();
  }

  /** C_detail (the caption's `text`) for a caption id, or undefined when no stored output has it. */
  captionText(id: string): string | undefined {
    const cached = this.#texts.get(id);
    if (cached !== undefined) return cached;
    let text = this.#read(id);
    if (text === undefined && this.#byId.has(id)) {
      // The row moved (its output was rewritten or pruned since the last refresh): look again.
      this.refresh({ rebuild: true });
      text = this.#read(id);
    }
    if (text !== undefined) this.#texts.set(id, text);
    return text;
  }

  #read(id: string): string | undefined {
    const address = this.#byId.get(id);
    if (!address) return undefined;
    const row = this.#row.get(address.nodeKey, address.port, address.seq);
    if (!row) return undefined;
    const item = JSON.parse(row.data) as { id?: unknown; text?: unknown };
    return item.id === id && typeof item.text === 'string' ? item.text : undefined;
  }

  stats(): CaptionIndexStats {
    return { captions: this.#byId.size, outputs: this.#scanned.size };
  }
}
