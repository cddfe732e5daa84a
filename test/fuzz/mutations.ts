import { seededRandom } from '../../nodes/rewatch/qa/shuffle.ts';

/**
 * Seeded mutations of a graph file for the fuzz test: what a careless user, a broken editor or an attacker could
 * write. A mutation edits the parsed file in place; values JSON cannot spell from a JS value (numbers that overflow
 * to Infinity, nesting deeper than JSON.stringify's stack) are written as markers and substituted in the text.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

export class Picker {
  constructor(readonly random: () => number) {}
  int(below: number): number {
    return Math.floor(this.random() * below);
  }
  one<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const OVERFLOWING_NUMBER = '"@@1e999@@"';
const DEEP_MARKER = /"@@deep:(\d+)@@"/g;

/** The file text of a mutated graph, with the markers spelled out. */
export function graphText(graph: Json): string {
  return JSON.stringify(graph)
    .replaceAll(OVERFLOWING_NUMBER, '1e999')
    .replace(DEEP_MARKER, (_match, depth: string) => `${'{"a":'.repeat(Number(depth))}0${'}'.repeat(Number(depth))}`);
}

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty', 'prototype'];

function hostileValue(pick: Picker): Json {
  return pick.one<() => Json>([
    () => pick.one([-1, 0, -0.5, 1e308, -1e308, 2 ** 53 + 1, 3.7]),
    () => '@@1e999@@',
    () => pick.one(['NaN', 'Infinity', '-Infinity', '', ' ', '0x10', '1e999']),
    () => pick.one([null, true, false]),
    () => [],
    () => ({}),
    () => pick.one(PROTOTYPE_NAMES),
    () => 'x'.repeat(pick.one([1_000, 100_000])),
    () => `@@deep:${pick.one([63, 65, 500, 5_000])}@@`,
    () => pick.one(['/dev/zero', '/dev/null', '{{constructor}}', '{{__proto__.x}}', '../../../etc/passwd', '\u0000', '☃'.repeat(50)]),
    () => [[[[[['nested']]]]]],
    () => JSON.parse('{"__proto__": {"polluted": true}}') as Json,
  ])();
}

function records(value: Json | undefined): JsonRecord[] {
  return Array.isArray(value) ? (value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) as JsonRecord[]) : [];
}

function nodesOf(graph: JsonRecord): JsonRecord[] {
  return records(graph.nodes);
}

function edgesOf(graph: JsonRecord): JsonRecord[] {
  return records(graph.edges);
}

function idOf(node: JsonRecord | undefined): string {
  return typeof node?.id === 'string' ? node.id : 'missing';
}

type Mutation = (graph: JsonRecord, pick: Picker) => void;

/** Each mutation names what it did, for the failure message of a case. */
export const MUTATIONS: Record<string, Mutation> = {
  'delete a node': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (nodes.length) (graph.nodes as Json[]).splice(pick.int(nodes.length), 1);
  },
  'duplicate a node': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (!nodes.length) return;
    const copy = structuredClone(pick.one(nodes));
    if (pick.random() < 0.5) copy.id = `${idOf(copy)}-copy`;
    (graph.nodes as Json[]).push(copy);
  },
  'rename a node': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (nodes.length) pick.one(nodes).id = pick.one(['renamed', ...PROTOTYPE_NAMES, '', 'has space', 'x'.repeat(300)]);
  },
  'edge to an unknown port': (graph, pick) => {
    const edges = edgesOf(graph);
    if (!edges.length) return;
    const end = pick.one(edges)[pick.one(['from', 'to'])] as JsonRecord | undefined;
    if (end && typeof end === 'object') end.port = pick.one([...PROTOTYPE_NAMES, 'nope', 'items', 'videos', '']);
  },
  'edge between wrong ports': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (nodes.length < 2) return;
    (graph.edges as Json[]).push({
      id: `fuzz-${pick.int(1e6)}`,
      from: { node: idOf(pick.one(nodes)), port: pick.one(['videos', 'segments', 'captions', 'items', 'kept', 'mcq']) },
      to: { node: pick.one([idOf(pick.one(nodes)), 'ghost']), port: pick.one(['videos', 'segments', 'captions', 'items', 'qa', 'verdicts']) },
    });
  },
  'edge to itself': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (!nodes.length) return;
    const id = idOf(pick.one(nodes));
    (graph.edges as Json[]).push({ id: 'loop', from: { node: id, port: 'items' }, to: { node: id, port: 'items' } });
  },
  'hostile config value': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (!nodes.length) return;
    const config = pick.one(nodes).config;
    if (!config || typeof config !== 'object' || Array.isArray(config)) return;
    const fields = Object.keys(config);
    const field = fields.length && pick.random() < 0.8 ? pick.one(fields) : pick.one(['unknownField', ...PROTOTYPE_NAMES]);
    config[field] = hostileValue(pick);
  },
  'hostile node field': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (!nodes.length) return;
    const node = pick.one(nodes);
    node[pick.one(['type', 'typeVersion', 'position', 'config', 'label', 'notes', 'host', 'id'])] = hostileValue(pick);
  },
  'unknown type or version': (graph, pick) => {
    const nodes = nodesOf(graph);
    if (!nodes.length) return;
    const node = pick.one(nodes);
    if (pick.random() < 0.5) node.type = pick.one(['nope.missing', 'core.nope', 'constructor', 'rewatch.video-source ']);
    else node.typeVersion = pick.one([0, 2, 99, -1, 1.5]);
  },
  'bad settings': (graph, pick) => {
    const video = { fps: 2, maxFrames: 192, maxPixels: 100_352 } as JsonRecord;
    video[pick.one(['fps', 'maxFrames', 'maxPixels', 'extra'])] = hostileValue(pick);
    graph.settings = pick.random() < 0.8 ? { video } : hostileValue(pick);
  },
  'hostile top-level field': (graph, pick) => {
    graph[pick.one(['format', 'version', 'name', 'description', 'nodes', 'edges', 'extra'])] = hostileValue(pick);
  },
  'deep nesting': (graph, pick) => {
    const config = nodesOf(graph).map((node) => node.config)[pick.int(nodesOf(graph).length)];
    if (config && typeof config === 'object' && !Array.isArray(config)) config.deep = `@@deep:${pick.one([64, 100, 5_000])}@@`;
  },
  'delete an edge end': (graph, pick) => {
    const edges = edgesOf(graph);
    if (edges.length) delete pick.one(edges)[pick.one(['from', 'to', 'id'])];
  },
};

/** A mutated copy of `base`: one to three mutations (one in half the cases), chosen by the seed. */
export function mutate(base: Json, seed: number): { graph: Json; applied: string[] } {
  const pick = new Picker(seededRandom(seed));
  const graph = structuredClone(base) as JsonRecord;
  const names = Object.keys(MUTATIONS);
  const applied = Array.from({ length: pick.one([1, 1, 2, 3]) }, () => pick.one(names));
  for (const name of applied) MUTATIONS[name]!(graph, pick);
  return { graph, applied };
}
