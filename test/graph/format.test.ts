import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { canonicalJson, graphFileText } from '../../main/graph/canonical.ts';
import { loadGraphFile, saveGraphFile } from '../../main/graph/files.ts';
import { GRAPH_FORMAT_VERSION, type GraphFile } from '../../main/graph/format.ts';
import { GraphFileError, parseGraph, type NodeLookup } from '../../main/graph/parse.ts';
import { compileJsonSchema } from '../../main/llm/schema-validate.ts';
import { defineOnceNode, RecordType, type JsonObject, type NodeDefinition } from '../../nodes/sdk/index.ts';
import { GRAPH_SCHEMA_PATH, graphJsonSchema, graphJsonSchemaText } from '../../scripts/write-graph-schema.ts';
import { catalog, tempDir } from '../support/engine-fixture.ts';

const lookup = catalog.lookup;

/**
 * A realistic graph, written out by hand in the canonical form: fixed keys first (format, version, name,
 * description; id, type, typeVersion, label, notes, host, position, config), any other key sorted, nodes and edges
 * last; the same rule inside config values (`type` and `description` of the JSON Schema come first).
 */
const CANONICAL = `{
  "format": "rewatch-studio/graph",
  "version": 1,
  "name": "ReWatch-R1 QA synthesis",
  "description": "Questions from clip transcripts, answered and filtered.",
  "editor": {
    "viewport": {
      "x": -120,
      "y": 40,
      "zoom": 0.75
    }
  },
  "nodes": [
    {
      "id": "transcripts",
      "type": "core.jsonl-source",
      "typeVersion": 1,
      "label": "Transcripts",
      "notes": "One record per clip — {\\"clip\\": …, \\"text\\": …}.\\nExported from the annotation tool.",
      "position": {
        "x": 0,
        "y": 0
      },
      "config": {
        "format": "jsonl",
        "path": "data/transcripts.jsonl"
      }
    },
    {
      "id": "ask",
      "type": "core.llm-map",
      "typeVersion": 1,
      "label": "Write questions",
      "host": "gpu-box",
      "position": {
        "x": 280,
        "y": -40.5
      },
      "config": {
        "concurrency": 4,
        "jsonSchema": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "answer": {
              "type": "string"
            },
            "question": {
              "description": "One sentence.",
              "type": "string",
              "maxLength": 200
            }
          },
          "required": [
            "question",
            "answer"
          ]
        },
        "maxTokens": 512,
        "outputField": "qa",
        "prompt": "Transcript:\\n{{text}}\\n\\nWrite one question about it.",
        "provider": "qwen-local",
        "seed": 7,
        "system": "You write exam questions.",
        "temperature": 0.7
      },
      "collapsed": true
    },
    {
      "id": "keep",
      "type": "core.filter",
      "typeVersion": 1,
      "notes": "Only real questions.",
      "position": {
        "x": 560,
        "y": 0
      },
      "config": {
        "field": "qa.question",
        "operator": "matches",
        "value": "\\\\?$"
      }
    },
    {
      "id": "out",
      "type": "core.export",
      "typeVersion": 1,
      "position": {
        "x": 840,
        "y": 0
      },
      "config": {
        "format": "jsonl",
        "path": "out/qa.jsonl"
      }
    }
  ],
  "edges": [
    {
      "id": "e1",
      "from": {
        "node": "transcripts",
        "port": "items"
      },
      "to": {
        "node": "ask",
        "port": "items"
      }
    },
    {
      "id": "e2",
      "from": {
        "node": "ask",
        "port": "items"
      },
      "to": {
        "node": "keep",
        "port": "items"
      }
    },
    {
      "id": "e3",
      "from": {
        "node": "keep",
        "port": "kept"
      },
      "to": {
        "node": "out",
        "port": "items"
      },
      "style": "dashed"
    }
  ]
}
`;

/** A graph from a newer installation: a node type this one lacks, a newer core type version, unknown extra fields. */
const FUTURE: Record<string, unknown> = {
  format: 'rewatch-studio/graph',
  version: 1,
  name: 'from a newer installation',
  nodes: [
    {
      id: 'clips',
      type: 'acme.video-clips',
      typeVersion: 4,
      position: { x: 0, y: 0 },
      config: { fps: 2, source: { bucket: 's3://videos', prefixes: ['a/', 'b/'] }, sceneCut: null },
      acmePorts: [{ name: 'frames', type: 'acme.Frame' }],
      'x-render': { color: '#ff0000' },
    },
    {
      id: 'judge',
      type: 'core.llm-map',
      typeVersion: 2,
      label: 'Judge (v2 config)',
      position: { x: 300, y: 0 },
      config: { provider: 'judge-llm', rubric: { scale: [1, 5], criteria: ['grounded', 'specific'] }, promptTemplate: 'Rate {{item}}' },
      cacheHints: { pinned: true },
    },
    { id: 'out', type: 'core.export', typeVersion: 1, position: { x: 600, y: 0 }, config: { path: 'out/judged.jsonl' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'clips', port: 'frames' }, to: { node: 'judge', port: 'items' }, acmeWire: 'bundle' },
    { id: 'e2', from: { node: 'judge', port: 'verdicts' }, to: { node: 'out', port: 'items' } },
  ],
};

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

function problemsOf(text: string, source = 'graph.rewatch.json', using: NodeLookup = lookup): GraphFileError {
  try {
    parseGraph(text, source, using);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphFileError);
    return error as GraphFileError;
  }
  throw new Error('expected parseGraph to throw');
}

describe('canonical saving', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('rewatch-graph-');
  });
  afterEach(() => dir.remove());

  it('loads the canonical text of a realistic graph and saves the identical bytes', () => {
    const { graph, notices } = parseGraph(CANONICAL, 'qa.rewatch.json', lookup);
    expect(notices).toEqual([]);
    expect(graph.nodes.map((n) => n.id)).toEqual(['transcripts', 'ask', 'keep', 'out']);
    expect(graph.nodes[1]).toMatchObject({ host: 'gpu-box', label: 'Write questions', collapsed: true });
    expect(graph.nodes[0]!.notes).toContain('—');
    expect((graph as Record<string, unknown>).editor).toEqual({ viewport: { x: -120, y: 40, zoom: 0.75 } });
    expect(graphFileText(graph)).toBe(CANONICAL);
  });

  it('round-trips through loadGraphFile / saveGraphFile on disk byte for byte, leaving no temporary file', async () => {
    const source = join(dir.path, 'qa.rewatch.json');
    const target = join(dir.path, 'copy.rewatch.json');
    await writeFile(source, CANONICAL, 'utf8');
    const loaded = await loadGraphFile(source, lookup);
    expect(loaded.notices).toEqual([]);
    const { removedSecrets } = await saveGraphFile(target, loaded.graph);
    expect(removedSecrets).toEqual([]);
    expect(await readFile(target, 'utf8')).toBe(CANONICAL);
    // saving over the file it came from
    await saveGraphFile(source, (await loadGraphFile(target, lookup)).graph);
    expect(await readFile(source, 'utf8')).toBe(CANONICAL);
    expect((await readdir(dir.path)).sort()).toEqual(['copy.rewatch.json', 'qa.rewatch.json']);
  });

  it('saves a file written with another key order and indentation canonically', async () => {
    const shuffled = JSON.stringify(reverseKeys(JSON.parse(CANONICAL)), null, 4);
    expect(shuffled).not.toBe(CANONICAL);
    expect(shuffled.indexOf('"edges"')).toBeLessThan(shuffled.indexOf('"format"'));
    expect(graphFileText(parseGraph(shuffled, 'shuffled.rewatch.json', lookup).graph)).toBe(CANONICAL);

    const path = join(dir.path, 'shuffled.rewatch.json');
    await writeFile(path, shuffled, 'utf8');
    await saveGraphFile(path, (await loadGraphFile(path, lookup)).graph);
    expect(await readFile(path, 'utf8')).toBe(CANONICAL);
  });

  it('drops undefined keys, refuses values JSON cannot hold, and hashes independently of key order', () => {
    const graph = JSON.parse(CANONICAL) as GraphFile;
    expect(graphFileText({ ...graph, description: undefined, nodes: graph.nodes.map((n) => ({ ...n, label: undefined })) })).not.toContain(
      '"label"',
    );
    const broken = { ...graph, nodes: [{ ...graph.nodes[0]!, position: { x: Number.NaN, y: 0 } }] };
    expect(() => graphFileText(broken)).toThrow(/nodes\[0\]\.position\.x is NaN/);
    expect(canonicalJson(reverseKeys(graph))).toBe(canonicalJson(graph));
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});

describe('nodes this installation cannot read', () => {
  const text = graphFileText(FUTURE);

  it('keeps an unknown node type and a newer type version, with their edges and unknown fields, byte for byte', () => {
    const { graph, notices } = parseGraph(text, 'future.rewatch.json', lookup);
    expect(graph.nodes).toEqual(FUTURE.nodes);
    expect(graph.edges).toEqual(FUTURE.edges);
    expect(graphFileText(graph)).toBe(text);
    expect(notices).toEqual([
      { kind: 'unknown-type', nodeId: 'clips', message: expect.stringContaining('"acme.video-clips" is not installed') },
      { kind: 'newer-type-version', nodeId: 'judge', message: expect.stringMatching(/version 2 is newer than the installed version 1/) },
    ]);
  });

  it('saves them unchanged through the file functions too', async () => {
    const dir = tempDir('rewatch-graph-');
    try {
      const path = join(dir.path, 'future.rewatch.json');
      await writeFile(path, text, 'utf8');
      const loaded = await loadGraphFile(path, lookup);
      expect(loaded.notices.map((n) => [n.kind, n.nodeId])).toEqual([
        ['unknown-type', 'clips'],
        ['newer-type-version', 'judge'],
      ]);
      await saveGraphFile(path, loaded.graph);
      expect(await readFile(path, 'utf8')).toBe(text);
    } finally {
      dir.remove();
    }
  });
});

describe('node config migrations', () => {
  const config = z.object({ prompt: z.string(), temperature: z.number().default(0), style: z.enum(['short', 'long']) });
  const base = {
    type: 'test.rewrite',
    title: 'Rewrite',
    category: 'Test',
    description: 'A node type whose config changed twice.',
    inputs: { items: { type: RecordType, description: 'Records.' } },
    outputs: { items: { type: RecordType, description: 'Records.' } },
    config,
    async execute() {
      return {};
    },
  };
  // v1 → v2: `text` was renamed `prompt`; v2 → v3: `long: boolean` became `style`.
  const toV2 = ({ text, ...rest }: JsonObject): JsonObject => ({ ...rest, prompt: text ?? '' });
  const toV3 = ({ long, ...rest }: JsonObject): JsonObject => ({ ...rest, style: long ? 'long' : 'short' });
  const lookupOf = (definition: NodeDefinition): NodeLookup => new NodeCatalog([definition]).lookup;
  const graphText = (typeVersion: number, nodeConfig: JsonObject) =>
    graphFileText({
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'migrations',
      nodes: [
        { id: 'old', type: 'test.rewrite', typeVersion, label: 'Old node', position: { x: 1, y: 2 }, config: nodeConfig, extra: 'kept' },
        { id: 'other', type: 'test.other', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      ],
      edges: [{ id: 'e1', from: { node: 'other', port: 'items' }, to: { node: 'old', port: 'items' } }],
    });

  it('upgrades an old config step by step and reports it', () => {
    const definition = defineOnceNode({ ...base, version: 3, migrations: { 1: toV2, 2: toV3 } });
    const { graph, notices } = parseGraph(graphText(1, { text: 'Ask {{q}}', long: true, temperature: 0.3 }), 'm.json', lookupOf(definition));
    expect(graph.nodes[0]).toEqual({
      id: 'old',
      type: 'test.rewrite',
      typeVersion: 3,
      label: 'Old node',
      position: { x: 1, y: 2 },
      config: { prompt: 'Ask {{q}}', style: 'long', temperature: 0.3 },
      extra: 'kept',
    });
    expect(definition.config.safeParse(graph.nodes[0]!.config).success).toBe(true);
    expect(notices).toContainEqual({ kind: 'migrated', nodeId: 'old', message: '"test.rewrite" config upgraded from version 1 to 3' });
    expect(notices.filter((n) => n.nodeId === 'old')).toHaveLength(1);
    // The node the lookup does not know is kept and reported, whatever happens to the others.
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'unknown-type', nodeId: 'other' }));
  });

  it('runs only the steps a node needs, and leaves a current node alone', () => {
    const definition = defineOnceNode({ ...base, version: 3, migrations: { 1: () => ({ wrong: 'step 1 ran' }), 2: toV3 } });
    const fromTwo = parseGraph(graphText(2, { prompt: 'p', long: false }), 'm.json', lookupOf(definition));
    expect(fromTwo.graph.nodes[0]).toMatchObject({ typeVersion: 3, config: { prompt: 'p', style: 'short' } });
    expect(fromTwo.notices.find((n) => n.nodeId === 'old')?.message).toBe('"test.rewrite" config upgraded from version 2 to 3');

    const current = graphText(3, { prompt: 'p', style: 'short' });
    const parsed = parseGraph(current, 'm.json', lookupOf(definition));
    expect(parsed.notices.filter((n) => n.nodeId === 'old')).toEqual([]);
    expect(graphFileText(parsed.graph)).toBe(current);
  });

  it('keeps a node unchanged when a migration step is missing, and reports it', () => {
    // version 3 with a step from 1 but none from 2: no half-migrated config may come out.
    const definition = defineOnceNode({ ...base, version: 3, migrations: { 1: toV2 } });
    const text = graphText(1, { text: 'Ask {{q}}', long: true });
    const { graph, notices } = parseGraph(text, 'm.json', lookupOf(definition));
    expect(graph.nodes[0]).toMatchObject({ typeVersion: 1, config: { text: 'Ask {{q}}', long: true } });
    expect(graphFileText(graph)).toBe(text);
    expect(notices).toContainEqual({
      kind: 'migration-missing',
      nodeId: 'old',
      message: '"test.rewrite" has no migration from version 2; the node is kept at version 1',
    });
    expect(notices.some((n) => n.kind === 'migrated')).toBe(false);

    const none = defineOnceNode({ ...base, version: 2 });
    expect(parseGraph(text, 'm.json', lookupOf(none)).notices).toContainEqual(
      expect.objectContaining({ kind: 'migration-missing', nodeId: 'old', message: expect.stringContaining('no migration from version 1') }),
    );
  });
});

describe('files this version cannot or should not read', () => {
  const valid = () => JSON.parse(CANONICAL) as Record<string, unknown> & { nodes: Record<string, unknown>[] };

  it('refuses a newer format version, saying a newer version wrote it', () => {
    const error = problemsOf(JSON.stringify({ ...valid(), version: GRAPH_FORMAT_VERSION + 1 }), 'next.rewatch.json');
    expect(error.source).toBe('next.rewatch.json');
    expect(error.problems).toEqual([
      `the file is graph format version ${GRAPH_FORMAT_VERSION + 1}, written by a newer ReWatch Studio; this one reads up to version ${GRAPH_FORMAT_VERSION}`,
    ]);
    expect(error.message).toMatch(/^next\.rewatch\.json: .*written by a newer ReWatch Studio/);
  });

  it('names the line and column of a JSON syntax error', () => {
    const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    // a trailing comma in an array and a missing value: V8's messages have no position for these
    const trailingComma = CANONICAL.replace('"answer"\n', '"answer",\n');
    expect(problemsOf(trailingComma).problems[0]).toMatch(
      new RegExp(`^not valid JSON at line ${lineOf(CANONICAL, '"answer"\n') + 1}, column 11 \\(Unexpected token ']'`),
    );
    const noValue = CANONICAL.replace('"seed": 7,', '"seed": ,');
    expect(problemsOf(noValue).problems[0]).toMatch(new RegExp(`^not valid JSON at line ${lineOf(CANONICAL, '"seed"')}, column 17 \\(`));
    // a doubled comma: V8 gives a position
    const doubled = CANONICAL.replace('"name": "ReWatch-R1 QA synthesis",', '"name": "ReWatch-R1 QA synthesis",,');
    expect(problemsOf(doubled).problems[0]).toMatch(/^not valid JSON at line 4, column 37 \(/);
    // a missing comma in the middle of the file: V8 gives a position
    const lines = CANONICAL.split('\n');
    const at = lines.findIndex((l) => l.includes('"maxTokens": 512,'));
    lines[at] = lines[at]!.replace('512,', '512');
    const missingComma = problemsOf(lines.join('\n')).problems[0]!;
    expect(missingComma).toMatch(new RegExp(`^not valid JSON at line ${at + 2}, column 9 \\(`));
    // a file cut short: the error is at its end
    const truncated = CANONICAL.slice(0, CANONICAL.indexOf('"nodes"'));
    expect(problemsOf(truncated).problems[0]).toMatch(new RegExp(`^not valid JSON at line ${truncated.split('\n').length}, column 3 \\(`));
    expect(problemsOf('not json at all').problems[0]).toMatch(/^not valid JSON at line 1, column 2 \(/);
  });

  it('gives clear problems for garbage and mutated files', () => {
    expect(problemsOf('').problems).toEqual(['not valid JSON at line 1, column 1 (Unexpected end of JSON input)']);
    expect(problemsOf('[]').problems).toEqual(['expected a JSON object at the top level']);
    expect(problemsOf('null').problems).toEqual(['expected a JSON object at the top level']);
    expect(problemsOf(JSON.stringify([valid()])).problems).toEqual(['expected a JSON object at the top level']);

    expect(problemsOf(JSON.stringify({ ...valid(), format: 'n8n/workflow' })).problems).toEqual([
      '"format" must be "rewatch-studio/graph", got "n8n/workflow": this is not a ReWatch Studio graph',
    ]);
    const noFormat = valid();
    delete noFormat.format;
    expect(problemsOf(JSON.stringify(noFormat)).problems[0]).toMatch(/^"format" must be "rewatch-studio\/graph", got undefined/);
    expect(problemsOf(JSON.stringify({ ...valid(), version: '1' })).problems).toEqual(['"version" must be a positive integer, got "1"']);

    const { nodes: _nodes, ...noNodes } = valid();
    const missing = problemsOf(JSON.stringify(noNodes)).problems;
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^nodes: .*expected array/);

    const stringX = valid();
    (stringX.nodes[1]!.position as Record<string, unknown>).x = '280';
    expect(problemsOf(JSON.stringify(stringX)).problems).toEqual([
      expect.stringMatching(/^nodes\[1 id="ask"\]\.position\.x: .*expected number, received string/),
    ]);

    const several = valid();
    several.nodes[0]!.typeVersion = 0;
    delete several.nodes[3]!.config;
    (several.edges as Record<string, unknown>[])[2]!.to = { node: 'out' };
    const problems = problemsOf(JSON.stringify(several)).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nodes\[0 id="transcripts"\]\.typeVersion: /),
        expect.stringMatching(/^nodes\[3 id="out"\]\.config: /),
        expect.stringMatching(/^edges\[2 id="e3"\]\.to\.port: /),
      ]),
    );
    expect(problems).toHaveLength(3);

    const badId = valid();
    badId.nodes[2]!.id = 'keep it';
    expect(problemsOf(JSON.stringify(badId)).problems).toEqual([
      'nodes[2 id="keep it"].id: use letters, digits and _ . : - only',
    ]);
  });

  it('names the file it cannot read', async () => {
    await expect(loadGraphFile('/nonexistent/dir/missing.rewatch.json', lookup)).rejects.toThrow(
      /^\/nonexistent\/dir\/missing\.rewatch\.json: cannot read the file \(ENOENT\)$/,
    );
  });
});

describe('generated JSON Schema', () => {
  const script = fileURLToPath(new URL('../../scripts/write-graph-schema.ts', import.meta.url));
  const runner = fileURLToPath(new URL('../../scripts/rewatch-tsx.mjs', import.meta.url));
  const run = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [runner, script, ...args]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('is up to date with the zod schema', async () => {
    expect(await readFile(GRAPH_SCHEMA_PATH, 'utf8')).toBe(graphJsonSchemaText());
    const schema = graphJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: expect.stringMatching(/\S/),
      title: expect.stringMatching(/graph/i),
      description: expect.stringMatching(/rewatch-studio\/graph/),
    });
    expect(graphJsonSchemaText()).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });

  it('accepts the graphs the parser accepts and rejects what it rejects', () => {
    const validate = compileJsonSchema(graphJsonSchema());
    expect(validate(JSON.parse(CANONICAL))).toEqual([]);
    expect(validate(FUTURE)).toEqual([]);
    const stringX = JSON.parse(CANONICAL);
    stringX.nodes[1].position.x = '280';
    expect(validate(stringX)).toEqual(['/nodes/1/position/x: must be number']);
    expect(validate({ ...JSON.parse(CANONICAL), version: 2 })).not.toEqual([]);
    expect(validate({ ...JSON.parse(CANONICAL), nodes: undefined })).not.toEqual([]);
  });

  it('has a --check mode that passes on the committed file and fails on a stale or missing one', async () => {
    const ok = await run('--check');
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('is up to date') });

    const dir = tempDir('rewatch-schema-');
    try {
      const stale = join(dir.path, 'stale.schema.json');
      await writeFile(stale, graphJsonSchemaText().replace('"minLength": 1', '"minLength": 2'), 'utf8');
      const failed = await run('--check', stale);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/stale\.schema\.json is out of date .*line \d+.*run `npm run schema`/);

      const missing = await run('--check', join(dir.path, 'missing.json'));
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/missing\.json is missing/);

      const written = join(dir.path, 'out', 'graph.schema.json');
      expect((await run(written)).code).toBe(0);
      expect(await readFile(written, 'utf8')).toBe(graphJsonSchemaText());
      expect((await run('--check', written)).code).toBe(0);
    } finally {
      dir.remove();
    }
  });
});
