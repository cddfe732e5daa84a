import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { validateGraph, type ValidationContext } from '../../main/engine/validate.ts';
import type { GraphEdge, GraphFile, GraphNode } from '../../main/graph/format.ts';
import {
  defineDataType,
  defineMapNode,
  defineOnceNode,
  pathField,
  providerField,
  RecordType,
  type JsonObject,
} from '../../nodes/sdk/index.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { pipelineGraph } from '../support/engine-fixture.ts';

// Test-local data types: a clip port accepts videos, nothing else accepts either.
const TestVideo = defineDataType<{ path: string }>({
  id: 'TestVideo',
  title: 'Video (test)',
  description: 'A video file.',
  color: '#f97316',
  schema: z.object({ path: z.string() }),
});
const TestClip = defineDataType<{ path: string; start?: number }>({
  id: 'TestClip',
  title: 'Clip (test)',
  description: 'A part of a video; a whole video is a clip too.',
  color: '#fb923c',
  schema: z.object({ path: z.string(), start: z.number().optional() }),
  accepts: ['TestVideo'],
});

const videoSource = defineOnceNode({
  type: 'test.video-source',
  version: 1,
  title: 'Videos',
  category: 'Test',
  description: 'Lists the videos of a folder.',
  inputs: {},
  outputs: { videos: { type: TestVideo, description: 'Videos.' } },
  config: z.object({ dir: pathField('Folder.') }),
  async execute() {
    return {};
  },
});
const transcribe = defineMapNode({
  type: 'test.transcribe',
  version: 1,
  title: 'Transcribe',
  category: 'Test',
  description: 'Speech to text.',
  inputs: { videos: { type: TestVideo, description: 'Videos.' } },
  outputs: { transcripts: { type: RecordType, description: 'One record per video.' } },
  config: z.object({ provider: providerField('asr', 'Speech model.'), language: z.string().default('en') }),
  over: 'videos',
  async execute() {
    return {};
  },
});
const clipper = defineMapNode({
  type: 'test.clipper',
  version: 1,
  title: 'Clipper',
  category: 'Test',
  description: 'Cuts clips.',
  inputs: { clips: { type: TestClip, description: 'Clips or whole videos.' } },
  outputs: { clips: { type: TestClip, description: 'Shorter clips.' } },
  config: z.object({ seconds: z.number().positive() }),
  over: 'clips',
  async execute() {
    return {};
  },
});
const merge = defineOnceNode({
  type: 'test.merge',
  version: 2,
  title: 'Merge',
  category: 'Test',
  description: 'Concatenates record streams.',
  inputs: {
    parts: { type: RecordType, description: 'Streams to merge.', multiple: true },
    extra: { type: RecordType, description: 'More records.', optional: true },
  },
  outputs: { merged: { type: RecordType, description: 'All records.' } },
  config: z.object({}),
  migrations: { 1: (c: JsonObject) => c },
  async execute() {
    return {};
  },
});

const panel = defineMapNode({
  type: 'test.panel',
  version: 1,
  title: 'Panel',
  category: 'Test',
  description: 'Asks several models.',
  inputs: { items: { type: RecordType, description: 'Items.' } },
  outputs: { items: { type: RecordType, description: 'Items.' } },
  config: z.object({ judges: z.array(providerField('asr', 'A judge.')).default(['asr']) }),
  over: 'items',
  async execute() {
    return {};
  },
});

const catalog = new NodeCatalog([...nodeDefinitions, videoSource, transcribe, clipper, merge, panel]);
const context: ValidationContext = {
  catalog,
  providers: new Set(['test-llm', 'asr']),
  hosts: new Set(['local', 'gpu-1']),
};

let position = 0;
function node(id: string, type: string, config: Record<string, unknown> = {}, extra: Partial<GraphNode> = {}): GraphNode {
  position += 100;
  const typeVersion = catalog.get(type)?.version ?? 1;
  return { id, type, typeVersion, position: { x: position, y: 0 }, config, ...extra };
}
function edge(id: string, from: string, to: string): GraphEdge {
  const [fromNode, fromPort] = from.split('.') as [string, string];
  const [toNode, toPort] = to.split('.') as [string, string];
  return { id, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
}
function graph(nodes: GraphNode[], edges: GraphEdge[]): GraphFile {
  return { format: 'rewatch-studio/graph', version: 1, name: 'validate', nodes, edges };
}

/** A valid graph using every kind of port: typed, accepted, multiple, optional. */
function videoGraph(): GraphFile {
  return graph(
    [
      node('videos', 'test.video-source', { dir: 'videos/' }),
      node('asr', 'test.transcribe', { language: 'de' }, { host: 'gpu-1' }),
      node('cut', 'test.clipper', { seconds: 30 }),
      node('notes', 'core.jsonl-source', { path: 'notes.jsonl' }),
      node('all', 'test.merge'),
      node('out', 'core.export', { path: 'out.jsonl' }),
      node('clips-out', 'core.export', { path: 'clips.jsonl', format: 'json' }, { host: 'local' }),
    ],
    [
      edge('e1', 'videos.videos', 'asr.videos'),
      edge('e2', 'videos.videos', 'cut.clips'),
      edge('e3', 'asr.transcripts', 'all.parts'),
      edge('e4', 'notes.items', 'all.parts'),
      edge('e5', 'all.merged', 'out.items'),
      edge('e6', 'cut.clips', 'clips-out.items'),
    ],
  );
}

const pipeline = () => pipelineGraph('in.jsonl', 'out.jsonl');

describe('validateGraph', () => {
  it('finds nothing wrong with valid graphs', () => {
    expect(validateGraph(pipeline(), context)).toEqual([]);
    expect(validateGraph(videoGraph(), context)).toEqual([]);
  });

  it('reports every node of a cycle, and only those', () => {
    const g = graph(
      [
        node('src', 'core.jsonl-source', { path: 'in.jsonl' }),
        node('all', 'test.merge'),
        node('a', 'core.llm-map', { provider: 'test-llm' }),
        node('b', 'core.llm-map', { provider: 'test-llm' }),
        node('c', 'core.llm-map', { provider: 'test-llm' }),
        node('out', 'core.export', { path: 'out.jsonl' }),
      ],
      [
        edge('e1', 'src.items', 'all.parts'),
        edge('e2', 'c.items', 'all.parts'),
        edge('e3', 'all.merged', 'a.items'),
        edge('e4', 'a.items', 'b.items'),
        edge('e5', 'b.items', 'c.items'),
        edge('e6', 'b.items', 'out.items'),
      ],
    );
    const errors = validateGraph(g, context);
    expect(errors.map((e) => e.nodeId).sort()).toEqual(['a', 'all', 'b', 'c']);
    for (const error of errors) {
      expect(error.field).toBeUndefined();
      expect(error.message).toMatch(/^the graph has a cycle: /);
      for (const id of ['all', 'a', 'b', 'c']) expect(error.message).toContain(id);
    }

    const selfLoop = graph([node('f', 'core.filter', { field: 'x' })], [edge('e1', 'f.kept', 'f.items')]);
    expect(validateGraph(selfLoop, context)).toEqual([{ nodeId: 'f', message: 'the graph has a cycle: f → f' }]);
  });

  it('reports unconnected required inputs, but not optional ones', () => {
    const g = pipeline();
    g.edges = g.edges.filter((e) => e.id !== 'e2');
    expect(validateGraph(g, context)).toEqual([{ nodeId: 'keep', field: 'items', message: 'required input "items" is not connected' }]);

    const lonely = graph([node('all', 'test.merge'), node('t', 'test.transcribe')], []);
    expect(validateGraph(lonely, context)).toEqual([
      { nodeId: 'all', field: 'parts', message: 'required input "parts" is not connected' },
      { nodeId: 't', field: 'videos', message: 'required input "videos" is not connected' },
    ]);
  });

  it('reports edges between ports of incompatible data types', () => {
    const g = graph(
      [
        node('videos', 'test.video-source', { dir: 'v/' }),
        node('notes', 'core.jsonl-source', { path: 'notes.jsonl' }),
        node('ask', 'core.llm-map', { provider: 'test-llm' }),
        node('asr', 'test.transcribe'),
        node('cut', 'test.clipper', { seconds: 5 }),
        node('again', 'test.transcribe'),
        node('any', 'core.filter', { field: 'path' }),
      ],
      [
        edge('e1', 'videos.videos', 'ask.items'), // TestVideo into Record
        edge('e2', 'notes.items', 'asr.videos'), // Record into TestVideo
        edge('e3', 'videos.videos', 'cut.clips'), // TestVideo into TestClip: accepted
        edge('e4', 'cut.clips', 'again.videos'), // TestClip into TestVideo: the acceptance is one way
        edge('e5', 'videos.videos', 'any.items'), // anything into Any
      ],
    );
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'ask', field: 'items', message: 'input "items" takes Record, but "videos.videos" gives TestVideo' },
      { nodeId: 'asr', field: 'videos', message: 'input "videos" takes TestVideo, but "notes.items" gives Record' },
      { nodeId: 'again', field: 'videos', message: 'input "videos" takes TestVideo, but "cut.clips" gives TestClip' },
    ]);
  });

  it('reports config errors with the field they are in', () => {
    const withAsk = (config: Record<string, unknown>) => {
      const g = pipeline();
      g.nodes[1]!.config = config;
      return validateGraph(g, context);
    };
    expect(withAsk({ provider: 'test-llm', temperature: 'hot' })).toEqual([
      { nodeId: 'ask', field: 'temperature', message: expect.stringMatching(/expected number, received string/) },
    ]);
    expect(withAsk({ provider: 'test-llm', temperature: 3 })).toEqual([
      { nodeId: 'ask', field: 'temperature', message: expect.stringMatching(/<=\s?2/) },
    ]);
    expect(withAsk({ provider: 'test-llm', temprature: 0.5 })).toEqual([
      { nodeId: 'ask', field: 'temprature', message: '"core.llm-map" has no config field "temprature"' },
    ]);
    expect(withAsk({ provider: 'test-llm', concurrency: 0, maxTokens: 1.5 })).toEqual([
      { nodeId: 'ask', field: 'maxTokens', message: expect.any(String) },
      { nodeId: 'ask', field: 'concurrency', message: expect.any(String) },
    ]);

    const g = pipeline();
    g.nodes[0]!.config = {};
    g.nodes[2]!.config = { field: 'answer', operator: 'matches', value: '(unclosed' };
    g.nodes[3]!.config = { path: 'out.jsonl', format: 'csv' };
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'src', field: 'path', message: 'required' },
      { nodeId: 'keep', field: 'value', message: expect.stringMatching(/^not a regular expression: /) },
      { nodeId: 'out', field: 'format', message: expect.stringMatching(/"jsonl"|jsonl/) },
    ]);
  });

  it('reports unknown provider profiles, including a default one that is not configured', () => {
    const g = pipeline();
    g.nodes[1]!.config = { provider: 'gpt-judge' };
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'ask', field: 'provider', message: 'unknown provider profile "gpt-judge" (known: test-llm, asr)' },
    ]);
    g.nodes[1]!.config = {};
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'ask', field: 'provider', message: 'unknown provider profile "default-llm" (known: test-llm, asr)' },
    ]);
    expect(validateGraph(pipeline(), { ...context, providers: new Set() })).toEqual([
      { nodeId: 'ask', field: 'provider', message: 'unknown provider profile "test-llm" (known: none configured)' },
    ]);
  });

  it('reports unknown hosts', () => {
    const g = videoGraph();
    g.nodes[1]!.host = 'gpu-9';
    expect(validateGraph(g, context)).toEqual([{ nodeId: 'asr', field: 'host', message: 'unknown host "gpu-9"' }]);
    expect(validateGraph(videoGraph(), { ...context, hosts: new Set(['local']) })).toEqual([
      { nodeId: 'asr', field: 'host', message: 'unknown host "gpu-1"' },
    ]);
  });

  it('reports unknown node types and type versions it cannot run, without follow-up port errors', () => {
    const g = pipeline();
    g.nodes[1] = { ...g.nodes[1]!, type: 'acme.llm-map', config: { anything: true } };
    g.nodes[2] = { ...g.nodes[2]!, typeVersion: 2 };
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'ask', message: 'node type "acme.llm-map" is not installed' },
      { nodeId: 'keep', field: 'typeVersion', message: '"core.filter" version 2 cannot run here (installed: version 1)' },
    ]);

    const old = videoGraph();
    old.nodes[4]!.typeVersion = 1; // test.merge is at version 2: a node whose migration did not run
    expect(validateGraph(old, context)).toEqual([
      { nodeId: 'all', field: 'typeVersion', message: '"test.merge" version 1 cannot run here (installed: version 2)' },
    ]);
  });

  it('reports duplicate node and edge ids', () => {
    const g = pipeline();
    g.nodes.push({ ...g.nodes[3]!, position: { x: 0, y: 300 } });
    g.edges.push({ ...g.edges[0]! });
    const errors = validateGraph(g, context);
    expect(errors).toContainEqual({ nodeId: 'out', message: 'node id "out" is used twice' });
    expect(errors).toContainEqual({ nodeId: 'ask', message: 'edge id "e1" is used twice' });
    expect(errors.filter((e) => /used twice/.test(e.message))).toHaveLength(2);
  });

  it('reports edges to or from a port that does not exist, and from a missing node', () => {
    const g = pipeline();
    g.edges[1] = edge('e2', 'ask.answers', 'keep.items');
    g.edges[2] = edge('e3', 'keep.kept', 'out.rows');
    g.edges.push(edge('e4', 'ghost.items', 'keep.items'));
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'ask', field: 'answers', message: 'edge "e2": "core.llm-map" has no output "answers"' },
      { nodeId: 'out', field: 'rows', message: 'edge "e3": "core.export" has no input "rows"' },
      { nodeId: 'keep', field: 'items', message: 'edge "e4" comes from missing node "ghost"' },
      { nodeId: 'out', field: 'items', message: 'required input "items" is not connected' },
    ]);
  });

  it('reports several edges into a single input once, and allows them into a multiple input', () => {
    const g = pipeline();
    g.nodes.push(node('src2', 'core.jsonl-source', { path: 'more.jsonl' }), node('src3', 'core.jsonl-source', { path: 'x.jsonl' }));
    g.edges.push(edge('e4', 'src2.items', 'ask.items'), edge('e5', 'src3.items', 'ask.items'));
    expect(validateGraph(g, context)).toEqual([{ nodeId: 'ask', field: 'items', message: 'input "items" takes one edge, but has several' }]);

    const many = videoGraph();
    many.nodes.push(node('more', 'core.jsonl-source', { path: 'more.jsonl' }));
    many.edges.push(edge('e9', 'more.items', 'all.parts'), edge('e10', 'more.items', 'all.extra'));
    expect(validateGraph(many, context)).toEqual([]);
  });

  it('checks only the nodes a partial run touches', () => {
    const g = pipeline();
    g.nodes[3]!.config = {};
    g.nodes[0]!.host = 'nowhere';
    expect(validateGraph(g, context, new Set(['src', 'ask', 'keep']))).toEqual([
      { nodeId: 'src', field: 'host', message: 'unknown host "nowhere"' },
    ]);
    expect(validateGraph(g, context, new Set(['out'])).map((e) => [e.nodeId, e.field])).toEqual([['out', 'path']]);
  });

  it('types a filter\'s outputs by what flows into it', () => {
    const g = graph(
      [
        node('videos', 'test.video-source', { dir: 'videos/' }),
        node('keep', 'core.filter', { field: 'path', operator: 'exists' }),
        node('asr', 'test.transcribe'),
        node('notes', 'core.jsonl-source', { path: 'notes.jsonl' }),
        node('keep-notes', 'core.filter', { field: 'n', operator: 'exists' }),
        node('cut', 'test.clipper', { seconds: 3 }),
      ],
      [
        edge('e1', 'videos.videos', 'keep.items'),
        edge('e2', 'keep.kept', 'asr.videos'),
        edge('e3', 'notes.items', 'keep-notes.items'),
        edge('e4', 'keep-notes.dropped', 'cut.clips'),
      ],
    );
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'cut', field: 'clips', message: 'input "clips" takes TestClip, but "keep-notes.dropped" gives Record' },
    ]);
  });

  it('reports an edge into a node that does not exist', () => {
    const g = pipeline();
    g.edges.push(edge('dangling', 'keep.kept', 'ghost.items'));
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'keep', field: 'kept', message: 'edge "dangling" goes to missing node "ghost"' },
    ]);
  });

  it('reports unknown config fields even when other fields are wrong too', () => {
    const g = pipeline();
    g.nodes[1]!.config = { ...g.nodes[1]!.config, temprature: 0.2, temperature: 'hot' };
    const fields = validateGraph(g, context).map((e) => e.field);
    expect(fields.sort()).toEqual(['temperature', 'temprature']);
  });

  it('checks every provider profile of a list of providers', () => {
    const g = graph(
      [node('src', 'core.jsonl-source', { path: 'in.jsonl' }), node('ask', 'test.panel', { judges: ['asr', 'nobody'] })],
      [edge('e', 'src.items', 'ask.items')],
    );
    expect(validateGraph(g, context)).toEqual([
      { nodeId: 'ask', field: 'judges', message: 'unknown provider profile "nobody" (known: test-llm, asr)' },
    ]);
  });
});
