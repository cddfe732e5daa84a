import type { NodeDefinition, StoredOutputs } from '../../sdk/index.ts';
import { DenseCaptionType } from '../types.ts';
import { LruMap } from './lru.ts';

/**
 * C_detail by caption id, read from the run store: the DenseCaption items among the stored node outputs (the rows
 * of the outputs whose node type has a DenseCaption output port — `rewatch.captioner` in the installed catalog).
 *
 * Why a lazily built id → row map rather than a lookup by item id each time: the store has no index on the item id,
 * so each such lookup parses every stored caption (tens of KB each, thousands of them) and a GRPO step asks for
 * hundreds of captions. The map holds only row addresses (node key, port, seq), is built by one scan of the ids,
 * and afterwards only new caption outputs are scanned; a lookup is then a read of one row by its address. The texts
 * themselves sit in a small LRU (the rollouts of a question share a caption). Everything here is a read.
 */

/** A node type and one of its output ports that carry DenseCaption items. */
interface CaptionSource {
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

const CAPTION_TEXTS_KEPT = 512;

interface RowAddress {
  nodeKey: string;
  port: string;
  seq: number;
  storedAt: number;
}

export interface CaptionIndexStats {
  /** Distinct caption ids indexed. */
  captions: number;
  /** Stored outputs the ids come from. */
  outputs: number;
}

export class CaptionIndex {
  readonly #outputs: StoredOutputs;
  readonly #portsByType = new Map<string, Set<string>>();
  /** caption id → where its newest copy is stored. */
  #byId = new Map<string, RowAddress>();
  /** The caption outputs already scanned, with the `storedAt` they had then. */
  #scanned = new Map<string, number>();
  readonly #texts: LruMap<string, string>;

  constructor(outputs: StoredOutputs, sources: readonly CaptionSource[]) {
    this.#outputs = outputs;
    for (const { nodeType, port } of sources) {
      const ports = this.#portsByType.get(nodeType) ?? new Set<string>();
      ports.add(port);
      this.#portsByType.set(nodeType, ports);
    }
    this.#texts = new LruMap(CAPTION_TEXTS_KEPT);
  }

  /**
   * Brings the map up to date with the store: scans the caption outputs stored since the last refresh; rebuilds
   * from scratch when an output was pruned or rewritten. Cheap when nothing changed (one listing of the outputs).
   */
  refresh({ rebuild = false }: { rebuild?: boolean } = {}): void {
    const current = this.#outputs.ofTypes([...this.#portsByType.keys()]);
    const currentKeys = new Map(current.map((o) => [o.nodeKey, o.storedAt]));
    const stale = rebuild || [...this.#scanned].some(([key, storedAt]) => currentKeys.get(key) !== storedAt);
    if (stale) {
      this.#byId = new Map();
      this.#scanned = new Map();
      this.#texts.clear();
    }
    const fresh = current.filter((o) => !this.#scanned.has(o.nodeKey));
    if (fresh.length === 0) return;
    this.#outputs.snapshot(() => {
      for (const output of fresh) {
        for (const port of this.#portsByType.get(output.nodeType) ?? []) {
          for (const row of this.#outputs.rowIds(output.nodeKey, port)) {
            if (typeof row.id !== 'string') continue;
            const known = this.#byId.get(row.id);
            if (known && known.storedAt > output.storedAt) continue;
            this.#byId.set(row.id, { nodeKey: output.nodeKey, port, seq: row.seq, storedAt: output.storedAt });
          }
        }
        this.#scanned.set(output.nodeKey, output.storedAt);
      }
    });
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
    const item = this.#outputs.row(address.nodeKey, address.port, address.seq) as { id?: unknown; text?: unknown } | undefined;
    return item?.id === id && typeof item.text === 'string' ? item.text : undefined;
  }

  stats(): CaptionIndexStats {
    return { captions: this.#byId.size, outputs: this.#scanned.size };
  }
}
