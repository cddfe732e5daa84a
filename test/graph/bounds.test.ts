import { describe, expect, it } from 'vitest';
import { GRAPH_LIMITS } from '../../main/graph/bounds.ts';
import { GraphFileError, parseGraph } from '../../main/graph/parse.ts';
import { catalog } from '../support/engine-fixture.ts';

function graphText(config: string, extra = ''): string {
  return `{"format":"rewatch-studio/graph","version":1,"name":"g"${extra},"edges":[],"nodes":[
    {"id":"src","type":"core.jsonl-source","typeVersion":1,"position":{"x":0,"y":0},"config":{"path":"a.jsonl"}},
    {"id":"deep","type":"core.filter","typeVersion":1,"position":{"x":0,"y":0},"config":${config}}]}`;
}

function problemsOf(text: string): string[] {
  try {
    parseGraph(text, 'graph.rewatch.json', catalog.lookup);
  } catch (error) {
    if (error instanceof GraphFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('graph file bounds (every path: CLI, server, editor import parse through here)', () => {
  it('names the path of a value nested deeper than the limit', () => {
    const depth = 5000;
    const problems = problemsOf(graphText(`{"value":${'['.repeat(depth)}1${']'.repeat(depth)}}`));
    expect(problems).toEqual([`nodes[1 id="deep"].config.value[0][0][0][0]…: nested deeper than ${GRAPH_LIMITS.depth} levels`]);
  });

  it('accepts nesting up to the limit', () => {
    // The top level, nodes, the node and its config are four levels; the value fills the rest.
    const depth = GRAPH_LIMITS.depth - 4;
    const text = graphText(`{"field":"a","value":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(problemsOf(text)).toEqual([]);
    expect(problemsOf(graphText(`{"field":"a","value":${'['.repeat(depth + 1)}${']'.repeat(depth + 1)}}`))).toHaveLength(1);
  });

  it('refuses a file with too many values, and a file too large to read', () => {
    const many = `[${Array.from({ length: GRAPH_LIMITS.values }, () => '0').join(',')}]`;
    expect(problemsOf(graphText(`{"value":${many}}`))).toEqual([`(top level): holds more than 1,000,000 values`]);
    const huge = graphText(`{"value":"${'x'.repeat(GRAPH_LIMITS.characters)}"}`);
    expect(problemsOf(huge)).toEqual([`the file is larger than ${GRAPH_LIMITS.characters.toLocaleString('en')} characters`]);
  });
});
