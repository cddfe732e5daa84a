import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, type ValidationError } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { GraphFileError, parseGraph } from '../../main/graph/parse.ts';
import { providerNames } from '../../nodes/sdk/index.ts';
import { catalog, openEngine, profile, tempDir } from '../support/engine-fixture.ts';
import { seededRandom } from '../../nodes/rewatch/qa/shuffle.ts';
import { graphText, mutate, Picker, type Json } from './mutations.ts';

const CASES = 1_000;
/** How many of the cases that parse are also run (each to a node chosen by the seed). */
const RUNS = 50;
const TEMPLATES_DIR = join(import.meta.dirname, '../../templates');
/** Nodes that write files where their config says: a run never reaches them, so the fuzz writes nothing outside its folder. */
const WRITERS = new Set(['core.export', 'rewatch.sft-export', 'rewatch.grpo-export', 'rewatch.dataset-report']);

/** A graph-file problem names where it is (`nodes[3 id="x"].config.a…: …`) or is about the whole file. */
const PATH_PROBLEM = /^(\(top level\)|[A-Za-z_$][\w$]*(\[\d+( id="[^"]*")?\]|\.[^\s:]+)*…?): \S/;
const FILE_PROBLEMS = [/^not valid JSON at line \d+, column \d+/, /^the file is larger than/, /^"format" must be/, /^"version" must be/, /^the file is graph format version/, /^expected a JSON object at the top level$/];

const STACK_FRAME = /\n\s+at /;

function nodeIdsOf(graph: Json): Set<string> {
  const nodes = (graph as { nodes?: unknown }).nodes;
  return new Set(Array.isArray(nodes) ? nodes.map((n) => String((n as { id?: unknown })?.id)) : []);
}

/** Nodes whose upstream (by the graph's edges) holds no file writer: safe to `--until`. */
function runnableTargets(graph: GraphFile): string[] {
  const types = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const writesFiles = (id: string, seen = new Set<string>()): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (WRITERS.has(types.get(id) ?? '')) return true;
    return graph.edges.some((e) => e.to.node === id && writesFiles(e.from.node, seen));
  };
  return graph.nodes.map((n) => n.id).filter((id) => !writesFiles(id));
}

function expectNamed(errors: ValidationError[], graph: Json, label: string): void {
  const edgeEnds = new Set(((graph as { edges?: { from?: { node?: string }; to?: { node?: string } }[] }).edges ?? []).flatMap((e) => [e.from?.node, e.to?.node]));
  for (const error of errors) {
    expect(nodeIdsOf(graph).has(error.nodeId) || edgeEnds.has(error.nodeId), `${label}: ${JSON.stringify(error)} names no node`).toBe(true);
    expect(error.message.trim(), label).not.toBe('');
    expect(error.message, `${label}: a stack trace`).not.toMatch(STACK_FRAME);
    if (error.field !== undefined) expect(error.field, `${label}: ${JSON.stringify(error)}`).not.toBe('');
  }
}

describe(`fuzz: ${CASES} mutations of the shipped templates through parse, validate and run`, () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  const templates = readdirSync(TEMPLATES_DIR)
    .filter((f) => f.endsWith('.rewatch.json'))
    .sort()
    .map((file) => ({ file, graph: JSON.parse(readFileSync(join(TEMPLATES_DIR, file), 'utf8')) as Json }));

  beforeAll(() => {
    dir = tempDir('rewatch-fuzz-');
    // Every profile a node defaults to, on a closed loopback port, with no retries: model calls fail at once.
    const names = new Set(
      catalog
        .definitions()
        .flatMap((d) => Object.values(d.config.shape).flatMap((field) => providerNames(field, z.safeParse(field, undefined).data))),
    );
    const closed = (name: string) => profile(name, 'http://127.0.0.1:9/v1', { maxRetries: 0, timeoutMs: 2000 });
    engine = openEngine(join(dir.path, 'data'), [...names].map(closed));
    for (const { graph } of templates) {
      for (const node of (graph as { nodes: { type: string; config: Record<string, Json> }[] }).nodes) {
        if (node.type === 'rewatch.video-source') node.config.folder = dir.path;
      }
    }
  });

  afterAll(async () => {
    await engine.close();
    dir.remove();
  });

  it('never throws anything but a located error, and every run ends', async () => {
    expect(templates.length).toBeGreaterThan(0);
    const tally = { fileErrors: 0, invalid: 0, valid: 0, runs: 0, refusedRuns: 0 };
    for (let seed = 1; seed <= CASES; seed += 1) {
      const template = templates[seed % templates.length]!;
      const { graph, applied } = mutate(template.graph, seed);
      const label = `seed ${seed} (${template.file}: ${applied.join(', ')})`;
      const source = `fuzz-${seed}.rewatch.json`;
      const text = graphText(graph);

      let parsed: GraphFile;
      try {
        parsed = parseGraph(text, source, catalog.lookup).graph;
      } catch (error) {
        expect(error, `${label}: ${String(error)}`).toBeInstanceOf(GraphFileError);
        const { message, problems } = error as GraphFileError;
        expect(message.startsWith(`${source}: `), label).toBe(true);
        for (const problem of problems) {
          expect(problem, `${label}: a stack trace`).not.toMatch(STACK_FRAME);
          expect(PATH_PROBLEM.test(problem) || FILE_PROBLEMS.some((p) => p.test(problem)), `${label}: "${problem.slice(0, 300)}"`).toBe(true);
        }
        tally.fileErrors += 1;
        continue;
      }

      const value = JSON.parse(text) as unknown;
      const { errors } = await engine.validate(value);
      expectNamed(errors, graph, label);
      if (errors.length) tally.invalid += 1;
      else tally.valid += 1;

      if (tally.runs + tally.refusedRuns >= RUNS) continue;
      const targets = runnableTargets(parsed);
      if (!targets.length) continue;
      const until = new Picker(seededRandom(seed)).one(targets);
      try {
        const { runId } = await engine.startRun({ graph: value, until });
        expect(['done', 'failed'], label).toContain(await engine.waitForRun(runId));
        tally.runs += 1;
      } catch (error) {
        expect(error, `${label}: ${String(error)}`).toBeInstanceOf(ApiError);
        expect((error as ApiError).status, label).toBe(400);
        expectNamed((error as ApiError).errors ?? [], graph, label);
        tally.refusedRuns += 1;
      }
    }
    // The mutations reach every stage: some files are refused, some graphs are invalid, some still run.
    expect(tally.fileErrors).toBeGreaterThan(50);
    expect(tally.invalid).toBeGreaterThan(50);
    expect(tally.runs).toBeGreaterThan(5);
    expect(tally.fileErrors + tally.invalid + tally.valid).toBe(CASES);
  });
});
