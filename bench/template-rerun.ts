/**
 * Template re-run: N tiny generated videos through the whole `rewatch-r1` template (14 nodes, every model role)
 * against the scripted pipeline model, served from a child process like a real model server; then the same graph
 * again. The warm re-run should make no model call at all and take a small fraction of the cold run's time.
 * Run as `rewatch-tsx.mjs bench/template-rerun.ts serve`, this file is that model server: it prints `{"baseURL"}`,
 * answers each `count` line on stdin with `{"requests","violations"}`, and exits when stdin closes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startScriptedLlmServer } from '../test/support/scripted-llm-server.ts';
import { createScriptedModel, roleProfiles } from '../test/support/scripted-model.ts';
import { generateVideos } from './generated-videos.ts';
import { atMost, fmt, openEngine, paperTemplateGraph, printTable, runGraph, scaled, startTsxChild, timed, withTempDir, type BenchResult } from './support.ts';

const GENERATE_AT_ONCE = 2;

interface ModelCount {
  requests: number;
  violations: string[];
}

/** The child's side: the scripted model on a loopback server. */
async function serveScriptedModel(): Promise<void> {
  const model = createScriptedModel();
  const server = await startScriptedLlmServer({ respond: (request) => model.respond(request), recordRequests: false });
  const count = (): ModelCount => ({ requests: [...model.calls.values()].reduce((a, b) => a + b, 0), violations: model.violations.slice(0, 5) });
  process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL })}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', () => process.stdout.write(`${JSON.stringify(count())}\n`));
  lines.on('close', () => void server.close().then(() => process.exit(0)));
}

export async function templateRerun(): Promise<BenchResult> {
  const videos = scaled(200);
  const server = startTsxChild('bench/template-rerun.ts', ['serve']);
  try {
    const { baseURL } = await server.nextJson<{ baseURL: string }>();
    const modelCount = async () => {
      server.process.stdin!.write('count\n');
      return server.nextJson<ModelCount>();
    };
    const result = await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'videos'));
      const { ms: generateMs } = await timed(() => generateVideos(join(dir, 'videos'), videos, GENERATE_AT_ONCE));
      const graph = await paperTemplateGraph(dir);
      const engine = openEngine(join(dir, 'data'), roleProfiles(baseURL, { maxConcurrency: 64, timeoutMs: 30_000 }));
      try {
        const cold = await runGraph(engine, graph);
        const afterCold = await modelCount();
        const warm = await runGraph(engine, graph);
        const afterWarm = await modelCount();
        return { generateMs, cold, warm, coldCalls: afterCold.requests, warmCalls: afterWarm.requests - afterCold.requests, violations: afterWarm.violations };
      } finally {
        await engine.close();
      }
    });
    await server.stop();

    const { cold, warm, coldCalls, warmCalls } = result;
    if (result.violations.length) throw new Error(`the scripted model saw bad requests: ${result.violations.join('; ')}`);
    const failed = cold.detail.nodes.filter((n) => n.itemsFailed > 0).map((n) => `${n.nodeId}: ${n.itemsFailed}`);
    if (failed.length) throw new Error(`items failed in the cold run (${failed.join(', ')})`);
    if (cold.node('videos').outputCounts.videos !== videos) throw new Error(`the source listed ${cold.node('videos').outputCounts.videos} of ${videos} videos`);
    const notCached = warm.detail.nodes.filter((n) => n.state !== 'cached').map((n) => `${n.nodeId} ${n.state}`);
    const ratio = cold.wallMs / warm.wallMs;
    const slowest = [...cold.detail.nodes].sort((a, b) => b.durationMs - a.durationMs).slice(0, 4);
    const counts = (id: string, port: string) => fmt.int(cold.node(id).outputCounts[port] ?? 0);
    printTable(`Template re-run — rewatch-r1 on ${fmt.int(videos)} generated 4-second videos, scripted model in a child process`, [
      ['generate the videos', fmt.ms(result.generateMs), `one ffmpeg run each, ${GENERATE_AT_ONCE} at a time`],
      ['cold run', fmt.ms(cold.wallMs), `${fmt.int(coldCalls)} model requests`],
      ['  pipeline items', counts('caption', 'captions'), `captions → ${counts('qa', 'qa')} QA → ${counts('f3', 'kept')} kept → ${counts('react', 'trajectories')} trajectories → ${counts('reward', 'rewards')} rewards`],
      ['  slowest nodes', '', slowest.map((n) => `${n.nodeId} ${fmt.ms(n.durationMs)}`).join(', ')],
      ['warm re-run', fmt.ms(warm.wallMs), `${fmt.int(warmCalls)} model requests (target 0)`],
      ['  nodes not cached', String(notCached.length), notCached.join(', ') || '—'],
      ['cold / warm', `${fmt.ratio(ratio, 1)}×`, 'wall clock'],
    ]);
    return {
      name: 'template-rerun',
      metric: 'model requests in the warm re-run of the paper template',
      value: warmCalls,
      display: `${fmt.int(warmCalls)} (warm ${fmt.ms(warm.wallMs)}, ${fmt.ratio(ratio, 1)}× faster than cold)`,
      target: atMost(0),
    };
  } finally {
    server.process.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') await serveScriptedModel();
