/**
 * The paper's pipeline run with item streaming and with barriers, each on a fresh data dir against the same scripted
 * model: every node stores the same key, the same output rows in the same order and the same item errors, and the
 * item caches hold the same keys.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../main/api/contract.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { loadTemplate } from '../../../main/graph/templates.ts';
import { catalog, openEngine, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../../support/run-fingerprint.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { createScriptedModel, roleProfiles } from '../../support/scripted-model.ts';
import { longVideo, randomBytesVideo, shortVideo } from '../../support/videos.ts';

/** Exports and the report are declared non-deterministic: their keys carry a salt per run (their rows are compared). */
const SALTED = new Set(['sft', 'grpo', 'report']);
/** ffprobe names its demuxer context's address in errors ("[mov,mp4,… @ 0x55e4…] moov atom not found"): not ours to compare. */
const withoutAddresses = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/ @ 0x[0-9a-f]+\]/g, ']')) as T;

describe('the rewatch-r1 template, streaming against barrier', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let graph: GraphFile;
  const engines: Engine[] = [];
  const runs: RunDetail[] = [];

  beforeAll(async () => {
    dir = tempDir('rewatch-template-streaming-');
    const videos = join(dir.path, 'videos');
    mkdirSync(videos);
    shortVideo(videos);
    longVideo(videos);
    randomBytesVideo(videos);
    const model = createScriptedModel();
    server = await startScriptedLlmServer({ respond: (request) => model.respond(request) });
    const { graph: template } = await loadTemplate('rewatch-r1', catalog.lookup);
    const out = (name: string) => ({ outputDir: join(dir.path, 'out', name) });
    const pointed: Record<string, Record<string, unknown>> = { videos: { folder: videos }, sft: out('sft'), grpo: out('grpo'), report: out('report') };
    graph = { ...template, nodes: template.nodes.map((n) => (pointed[n.id] ? { ...n, config: { ...n.config, ...pointed[n.id] } } : n)) };
    for (const execution of ['streaming', 'barrier'] as const) {
      const engine = openEngine(join(dir.path, execution), roleProfiles(server.baseURL));
      engines.push(engine);
      runs.push(await runToEnd(engine, graph, { execution }));
    }
  }, 300_000);

  afterAll(async () => {
    for (const engine of engines) await engine.close();
    await server?.close();
    dir?.remove();
  });

  it('runs to the end both ways', () => {
    expect(runs.map((r) => ({ status: r.status, error: r.error }))).toEqual([
      { status: 'done', error: null },
      { status: 'done', error: null },
    ]);
  });

  it('stores the same node keys, outputs in order and item errors', async () => {
    const nodeIds = graph.nodes.map((n) => n.id);
    const [streaming, barrier] = await Promise.all(runs.map((run, i) => runFingerprint(engines[i]!, run, nodeIds)));
    const unsalted = (nodes: Awaited<ReturnType<typeof runFingerprint>>) =>
      withoutAddresses(Object.fromEntries(Object.entries(nodes).map(([id, node]) => [id, SALTED.has(id) ? { ...node, nodeKey: 'salted' } : node])));
    expect(unsalted(streaming!)).toEqual(unsalted(barrier!));
    expect(streaming!.f3!.outputs.kept!.length).toBeGreaterThan(0);
  });

  it('fills the item caches with the same item keys', () => {
    const [streaming, barrier] = ['streaming', 'barrier'].map((name) => itemKeys(join(dir.path, name)));
    expect(streaming!.length).toBeGreaterThan(0);
    expect(streaming).toEqual(barrier);
  });
});
