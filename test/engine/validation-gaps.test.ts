import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile, GraphNode } from '../../main/graph/format.ts';
import { renderTemplate } from '../../nodes/sdk/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { openEngine, pipelineGraph, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';

function node(id: string, type: string, config: Record<string, unknown>): GraphNode {
  return { id, type, typeVersion: 1, position: { x: 0, y: 0 }, config };
}

function graphOf(nodes: GraphNode[], edges: [string, string, string, string][] = []): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'gaps',
    nodes,
    edges: edges.map(([fromNode, fromPort, toNode, toPort], n) => ({
      id: `e${n}`,
      from: { node: fromNode, port: fromPort },
      to: { node: toNode, port: toPort },
    })),
  };
}

describe('validation gaps', () => {
  let dir: ReturnType<typeof tempDir>;
  let llm: ScriptedLlmServer;
  let engine: Engine;
  let input: string;

  beforeEach(async () => {
    dir = tempDir();
    llm = await startScriptedLlmServer({ respond: () => '{"answer": 1}' });
    engine = openEngine(join(dir.path, 'data'), [profile('test-llm', llm.baseURL, { maxRetries: 0 })]);
    input = writeJsonl(join(dir.path, 'in.jsonl'), [{ n: 1 }, { n: 2 }]);
  });

  afterEach(async () => {
    await engine.close();
    await llm.close();
    dir.remove();
  });

  it('an invalid jsonSchema of core.llm-map is an error on that field, and the run never starts', async () => {
    const graph = pipelineGraph(input, join(dir.path, 'out.jsonl'));
    const ask = graph.nodes.find((n) => n.id === 'ask')!;
    ask.config.jsonSchema = { type: 'object', properties: { answer: { type: 'no-such-type' } } };
    const result = await engine.validate(graph);
    expect(result.errors).toEqual([{ nodeId: 'ask', field: 'jsonSchema', message: expect.stringMatching(/^invalid JSON Schema: .*type/) }]);
    await expect(engine.startRun({ graph })).rejects.toMatchObject({ status: 400 });
    expect(llm.requests).toHaveLength(0);

    ask.config.jsonSchema = { type: 'object', properties: { answer: { type: 'number' } } };
    expect((await engine.validate(graph)).errors).toEqual([]);
  });

  for (const port of ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty']) {
    it(`an edge to or from a port named ${port} is a validation error naming the edge`, async () => {
      // Parsed from text, as a file or a request body is: `__proto__` is then an ordinary key.
      const into = JSON.parse(JSON.stringify(graphOf([node('src', 'core.jsonl-source', { path: input }), node('keep', 'core.filter', { field: 'n' })], [['src', 'items', 'keep', port]])));
      const outOf = JSON.parse(JSON.stringify(graphOf([node('src', 'core.jsonl-source', { path: input }), node('keep', 'core.filter', { field: 'n' })], [['src', port, 'keep', 'items']])));
      const intoErrors = (await engine.validate(into)).errors;
      expect(intoErrors).toContainEqual({ nodeId: 'keep', field: port, message: `edge "e0": "core.filter" has no input "${port}"` });
      const outOfErrors = (await engine.validate(outOf)).errors;
      expect(outOfErrors).toContainEqual({ nodeId: 'src', field: port, message: `edge "e0": "core.jsonl-source" has no output "${port}"` });
      await expect(engine.startRun({ graph: into })).rejects.toMatchObject({ status: 400 });
      await expect(engine.explain(outOf)).rejects.toMatchObject({ status: 400 });
    });
  }

  it('config keys constructor and toString are unknown fields; a __proto__ key anywhere is refused with its path', async () => {
    const text = JSON.stringify(graphOf([node('src', 'core.jsonl-source', { path: input })]));
    const graph = JSON.parse(text.replace('"config":{', '"config":{"constructor":1,"toString":"x",')) as GraphFile;
    const errors = (await engine.validate(graph)).errors;
    for (const field of ['constructor', 'toString']) {
      expect(errors).toContainEqual({ nodeId: 'src', field, message: `"core.jsonl-source" has no config field "${field}"` });
    }
    for (const [written, path] of [
      ['"config":{"__proto__":{"path":"/etc/passwd"},', 'config.__proto__'],
      ['"config":{"nested":{"list":[{"__proto__":{}}]},', 'config.nested.list[0].__proto__'],
    ] as const) {
      const hostile = JSON.parse(text.replace('"config":{', written));
      await expect(engine.validate(hostile)).rejects.toMatchObject({
        status: 400,
        message: `graph: nodes[0 id="src"].${path}: a key named "__proto__" is not allowed`,
      });
    }
  });

  it('core.filter reads only the item’s own fields: `exists constructor` keeps nothing', async () => {
    for (const field of ['constructor', 'toString', 'n.constructor']) {
      const graph = graphOf(
        [node('src', 'core.jsonl-source', { path: input }), node('keep', 'core.filter', { field, operator: 'exists' })],
        [['src', 'items', 'keep', 'items']],
      );
      const run = await runToEnd(engine, graph);
      expect(run.status).toBe('done');
      expect(run.nodes.find((n) => n.nodeId === 'keep')!.outputCounts).toEqual({ kept: 0, dropped: 2 });
    }
  });

  it('a prompt reads only the item’s own fields: {{constructor}} has no value', async () => {
    expect(() => renderTemplate('{{constructor}}', { n: 1 })).toThrow('template variable {{constructor}} has no value in this item');
    expect(() => renderTemplate('{{n.toFixed}}', { n: 1 })).toThrow('template variable {{n.toFixed}} has no value');
    expect(renderTemplate('{{list.1}} {{item.constructor}}', { list: ['a', 'b'], item: { constructor: 'own' } })).toBe('b own');

    const graph = pipelineGraph(input, join(dir.path, 'out.jsonl'), { prompt: 'Say {{constructor}}.' });
    const run = await runToEnd(engine, graph, { until: 'ask' });
    expect(run.status).toBe('failed');
    expect(llm.requests).toHaveLength(0);
    const errors = await engine.nodeErrors(run.runId, 'ask', {});
    expect(errors.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('{{constructor}} has no value'),
      expect.stringContaining('{{constructor}} has no value'),
    ]);
  });

  it('an output port named like an Object method is a 404 for the output route, not a crash', async () => {
    const run = await runToEnd(engine, graphOf([node('src', 'core.jsonl-source', { path: input })]));
    for (const port of ['constructor', '__proto__', 'valueOf']) {
      await expect(engine.nodeOutput(run.runId, 'src', port, {})).rejects.toMatchObject({ status: 404 });
    }
  });
});

describe('sources and exports take regular files only', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  let input: string;

  beforeEach(() => {
    dir = tempDir();
    // No model is called: the report's text-only probe has no questions to ask.
    engine = openEngine(join(dir.path, 'data'), [profile('probe-text', 'http://127.0.0.1:9/v1')]);
    input = writeJsonl(join(dir.path, 'in.jsonl'), [{ n: 1 }, { n: 2 }]);
  });

  afterEach(async () => {
    await engine.close();
    dir.remove();
  });

  const fifo = (name: string) => {
    const path = join(dir.path, name);
    execFileSync('mkfifo', [path]);
    return path;
  };

  it('a JSON Lines source naming a device or a folder fails with a clear error instead of hanging', async () => {
    for (const path of ['/dev/zero', dir.path]) {
      const run = await runToEnd(engine, graphOf([node('src', 'core.jsonl-source', { path })]));
      expect(run.status).toBe('failed');
      expect(run.nodes[0]!.error).toBe(`${path}: not a regular file`);
    }
  });

  it('a video source rejects a device named in its paths', async () => {
    const run = await runToEnd(engine, graphOf([node('videos', 'rewatch.video-source', { paths: ['/dev/zero'] })]));
    expect(run.status).toBe('done');
    const rejected = await engine.nodeOutput(run.runId, 'videos', 'rejected', {});
    expect(rejected.items.map((item) => item.data)).toEqual([{ path: '/dev/zero', error: 'not a regular file' }]);
  });

  it('core.export refuses a target that is not a regular file and leaves it as it was', async () => {
    const pipe = fifo('pipe');
    const graph = graphOf(
      [node('src', 'core.jsonl-source', { path: input }), node('out', 'core.export', { path: pipe })],
      [['src', 'items', 'out', 'items']],
    );
    const run = await runToEnd(engine, graph);
    expect(run.status).toBe('failed');
    expect(run.nodes.find((n) => n.nodeId === 'out')!.error).toBe(`${pipe}: not a regular file; exports write only regular files`);
    expect(statSync(pipe).isFIFO()).toBe(true);
    expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a ReWatch export refuses a target that is not a regular file', async () => {
    const outputDir = join(dir.path, 'report');
    execFileSync('mkdir', [outputDir]);
    const pipe = join(outputDir, 'dataset-report.json');
    execFileSync('mkfifo', [pipe]);
    const graph = graphOf([node('report', 'rewatch.dataset-report', { outputDir })]);
    const run = await runToEnd(engine, graph);
    expect(run.status).toBe('failed');
    expect(run.nodes[0]!.error).toBe(`${pipe}: not a regular file; exports write only regular files`);
    expect(statSync(pipe).isFIFO()).toBe(true);
    expect(readdirSync(outputDir)).toEqual(['dataset-report.json']);
  });

  it('core.export removes its temporary file when it stops before the rename (a cancelled run)', async () => {
    const target = join(dir.path, 'out.jsonl');
    writeFileSync(target, 'previous\n');
    const graph = graphOf(
      [node('src', 'core.jsonl-source', { path: input }), node('out', 'core.export', { path: target })],
      [['src', 'items', 'out', 'items']],
    );
    const off = engine.subscribe((event: RunEvent) => {
      if (event.type === 'node-state' && event.nodeId === 'out' && event.state === 'running') void engine.cancelRun(event.runId);
    });
    const run = await runToEnd(engine, graph);
    off();
    expect(run.status).toBe('cancelled');
    expect(readFileSync(target, 'utf8')).toBe('previous\n');
    expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(target)).toBe(true);
  });
});
