import { hash } from 'node:crypto';
import { ApiError, sampleRequestSchema, type SampleSpec } from '../api/contract.ts';
import { canonicalJson } from '../graph/canonical.ts';
import type { OutputStore, StoredOutput } from '../store/outputs.ts';
import type { NodeDefinition } from '../../nodes/sdk/index.ts';
import { sha256 } from './cache-key.ts';

const PAGE = 1000;

/** A run request's `sample`, checked (the API's schema, for callers in process too) and with its default seed. */
export function parseSample(request: unknown): SampleSpec {
  const parsed = sampleRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new ApiError(400, parsed.error.issues.map((issue) => `${['sample', ...issue.path].join('.')}: ${issue.message}`).join('; '));
  }
  return { n: parsed.data.n, seed: parsed.data.seed ?? 0 };
}

/**
 * A source is a node type that takes no input (video and JSONL sources): a sample run narrows its outputs. A node
 * serving a model profile never is: its output is the model it serves, not items.
 */
export function isSampledSource(definition: NodeDefinition): boolean {
  return Object.keys(definition.inputs).length === 0 && !definition.servesProfile;
}

/** Where a source's sample is stored: derived from the source's key, so a sample is written once and shown in previews. */
function sampleKey(sourceKey: string, spec: SampleSpec): string {
  return sha256(canonicalJson({ sampleOf: sourceKey, n: spec.n, seed: spec.seed, rankedBy: 'id' }));
}

/**
 * `spec.n` items of each port of a source's output, in their original order. An item's rank is the hash of the seed
 * and its `id`, or its content when it has none (its position breaks ties), so the same items are chosen whatever
 * their order, and two ports listing the same things (the video source's `files` and `videos`) choose the same ones.
 * A source with no port over `n` items is its own sample.
 */
export function sampledOutput(outputs: OutputStore, nodeType: string, output: StoredOutput, spec: SampleSpec): StoredOutput {
  const ports = Object.keys(output.ports);
  if (ports.every((port) => output.ports[port]!.count <= spec.n)) return output;
  const key = sampleKey(output.nodeKey, spec);
  const stored = outputs.get(key);
  if (stored) return stored;
  const writer = outputs.beginWrite(key, nodeType, ports);
  for (const port of ports) {
    for (const json of chosenRows(outputs, output, port, spec)) writer.appendJson(port, json);
  }
  return writer.finish();
}

interface Ranked {
  rank: string;
  seq: number;
  json: string;
}

/** The `n` lowest-ranked rows of a port, read page by page and holding only those `n`, returned in input order. */
function chosenRows(outputs: OutputStore, output: StoredOutput, port: string, spec: SampleSpec): string[] {
  const chosen: Ranked[] = []; // ascending by rank, then position
  const count = output.ports[port]!.count;
  for (let offset = 0; offset < count; offset += PAGE) {
    outputs.rawPage(output, port, offset, PAGE).forEach((json, i) => {
      // One-shot `hash`: several times faster than a `createHash` object per row, and a source may hold 100k rows.
      const rank = hash('sha256', `${spec.seed}\n${identityOf(json)}`);
      if (chosen.length === spec.n && rank >= chosen[spec.n - 1]!.rank) return;
      chosen.splice(insertionPoint(chosen, rank), 0, { rank, seq: offset + i, json });
      if (chosen.length > spec.n) chosen.pop();
    });
  }
  return chosen.sort((a, b) => a.seq - b.seq).map((row) => row.json);
}

/** What an item is known by: its `id` (a string or number) when it is an object with one, else its JSON text. */
function identityOf(json: string): string {
  if (!json.startsWith('{')) return json;
  const id = (JSON.parse(json) as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? `id ${JSON.stringify(id)}` : json;
}

/** After every row of rank ≤ `rank`: rows come in position order, so an equal rank keeps the earlier row first. */
function insertionPoint(chosen: readonly Ranked[], rank: string): number {
  let low = 0;
  let high = chosen.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (chosen[mid]!.rank <= rank) low = mid + 1;
    else high = mid;
  }
  return low;
}
