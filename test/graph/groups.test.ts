import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { type GraphFile, type GraphGroup } from '../../main/graph/format.ts';
import { GraphFileError, parseGraph, parseGraphValue } from '../../main/graph/parse.ts';
import { docToGraph, graphToDoc } from '../../renderer/store/convert.ts';
import { catalog } from '../support/engine-fixture.ts';

function graphWith(groups: GraphGroup[]): GraphFile {
  const node = (id: string, x: number) => ({ id, type: 'core.jsonl-source', typeVersion: 1, position: { x, y: 0 }, config: { path: `${id}.jsonl` } });
  return { format: 'rewatch-studio/graph', version: 1, name: 'grouped', groups, nodes: [node('a', 0), node('b', 300), node('c', 600)], edges: [] };
}

function problems(graph: unknown): string[] {
  try {
    parseGraphValue(graph, 'g.rewatch.json', catalog.lookup);
  } catch (error) {
    if (error instanceof GraphFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('graph groups', () => {
  it('are read and saved with the graph, before its nodes, id and title first', () => {
    const graph = graphWith([{ nodes: ['a', 'b'], title: 'Captions', id: 'captions' }]);
    const { graph: read } = parseGraphValue(graph, 'g.rewatch.json', catalog.lookup);
    expect(read.groups).toEqual([{ id: 'captions', title: 'Captions', nodes: ['a', 'b'] }]);
    const text = graphFileText(read);
    expect(text.indexOf('"groups"')).toBeLessThan(text.indexOf('"nodes": [\n    {'));
    expect(text).toContain('{\n      "id": "captions",\n      "title": "Captions",\n      "nodes": [');
  });

  it('name each problem where it is: a member that is no node, a node in two groups, a second group of one id', () => {
    const graph = graphWith([
      { id: 'one', title: 'One', nodes: ['a', 'ghost'] },
      { id: 'two', title: 'Two', nodes: ['b', 'a'] },
      { id: 'one', title: 'Again', nodes: ['c'] },
    ]);
    expect(problems(graph)).toEqual([
      'groups[0 id="one"].nodes[1]: no node "ghost" in the graph',
      'groups[1 id="two"].nodes[1]: node "a" is already in group "one"',
      'groups[2 id="one"].id: a second group "one"',
    ]);
  });

  it('refuse an empty group or one without a title', () => {
    expect(problems(graphWith([{ id: 'e', title: 'Empty', nodes: [] }]))).toEqual([expect.stringMatching(/^groups\[0 id="e"\]\.nodes: /)]);
    expect(problems(graphWith([{ id: 't', title: '', nodes: ['a'] }]))).toEqual([expect.stringMatching(/^groups\[0 id="t"\]\.title: /)]);
  });

  it('lose the editor’s deleted nodes when saved, and a group left empty', () => {
    const doc = graphToDoc(graphWith([{ id: 'ab', title: 'AB', nodes: ['a', 'b'] }, { id: 'c', title: 'C', nodes: ['c'] }]));
    const saved = docToGraph({ ...doc, nodes: doc.nodes.filter((n) => n.id !== 'b' && n.id !== 'c') });
    expect(saved.groups).toEqual([{ id: 'ab', title: 'AB', nodes: ['a'] }]);
    expect(problems(saved)).toEqual([]);
  });

  it("frame the paper's stages in its template", async () => {
    const path = new URL('../../templates/rewatch-r1.rewatch.json', import.meta.url);
    const text = await readFile(path, 'utf8');
    const { graph } = parseGraph(text, path.pathname, catalog.lookup);
    expect(graph.groups?.map((g) => g.title)).toEqual(['Captions', 'QA and filters', 'Reasoning', 'Reward', 'Export']);
    expect(graph.groups?.flatMap((g) => g.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(graphFileText(graph)).toBe(text);
  });
});
