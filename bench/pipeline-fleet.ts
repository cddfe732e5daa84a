/**
 * Pipeline fleet: the paper template (`rewatch-r1`) on N generated videos, each model role served by its own simulated
 * GPU pool (bench/gpu-fleet.ts). The ideal wall time is what the busiest pool alone needs: its requests × latency ÷
 * concurrency, counted from the requests each server actually received. A barrier run and a streaming run of the same
 * graph, each on a fresh data dir, are measured against it, with the time to the first CoT (the first row of `cot`).
 * Runs alone as `node scripts/rewatch-tsx.mjs bench/pipeline-fleet.ts` (`BENCH_SCALE` applies).
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../main/engine/engine.ts';
import type { GraphFile } from '../main/graph/format.ts';
import { catalog } from '../test/support/engine-fixture.ts';
import { MODEL_ROLES, type ModelRole } from '../test/support/scripted-model.ts';
import { generateVideos } from './generated-videos.ts';
import { startFleet, type FleetSpec, type GpuPool, type PoolCount } from './gpu-fleet.ts';
import { atMost, fmt, openEngine, paperTemplateGraph, printTable, runGraph, scaled, timed, withTempDir, type BenchResult, type TimedRun } from './support.ts';

/**
 * Pools in a real deployment's proportions, time compressed. Captioning is the costliest request: a VLM prefills up to
 * 192 frames (tens of thousands of visual tokens) and writes a long timeline, so few fit a GPU's batch. The question
 * writer and the converter write long JSON and CoTs, the reasoner and observer a turn at a time, and the judge and the
 * probes a few tokens each, so they batch widely. Per video (the template makes about 1 caption, 3 question-writer,
 * 20 judge, 22 probe, 4 reasoner, 1.5 observer and 2 converter requests) captioning is the busiest pool, and the judge,
 * question writer, reasoner and converter each carry about a third of its load: a barrier run pays for them one after
 * another, a streaming run while captioning goes on. 500 videos make an ideal of 150 s.
 */
export const PAPER_FLEET: FleetSpec = {
  'segmenter-vlm': { concurrency: 4, latencyMs: 1600 },
  'captioner-vlm': { concurrency: 8, latencyMs: 2400 },
  'summary-llm': { concurrency: 16, latencyMs: 640 },
  'qa-llm': { concurrency: 16, latencyMs: 480 },
  'judge-llm': { concurrency: 64, latencyMs: 320 },
  'probe-text': { concurrency: 64, latencyMs: 160 },
  'probe-vlm': { concurrency: 64, latencyMs: 240 },
  'reasoner-llm': { concurrency: 32, latencyMs: 720 },
  'observer-llm': { concurrency: 32, latencyMs: 320 },
  'convert-llm': { concurrency: 16, latencyMs: 960 },
};

/**
 * Items every node works on at once, and requests the client keeps in flight per profile: far above any pool's
 * concurrency, so the pools, not the engine, set the pace (what exceeds a pool waits at its server).
 */
const NODE_CONCURRENCY = 256;
/** How long a request may wait at a pool and be served: in a barrier run hundreds wait at one pool at once. */
const REQUEST_TIMEOUT_MS = 30 * 60_000;
const GENERATE_AT_ONCE = availableParallelism();

export type Execution = 'barrier' | 'streaming';

/** A pool's share of a run: what its server received and the time that takes it at its concurrency. */
export interface PoolLoad extends GpuPool, PoolCount {
  role: ModelRole;
  /** requests × latency ÷ concurrency: the least time the pool needs for this run. */
  workMs: number;
}

export interface ExecutionReport {
  execution: Execution;
  run: TimedRun;
  pools: PoolLoad[];
  /** The pool with the most work; the run cannot end before it is done. */
  busiest: PoolLoad;
  /** The busiest pool's work: the wall time of a perfectly overlapped run. */
  idealMs: number;
  /**
   * From the run's start to the first progress event of `cot` with a CoT done (events come at most every 100 ms, so
   * up to that much after the first CoT was committed); undefined when the run produced none.
   */
  firstCotMs: number | undefined;
  /** When each node ran, by node id. */
  spans: ReadonlyMap<string, NodeSpan>;
}

/**
 * Milliseconds after the run's start: when a node began running, when it first reported an item done (not cached or
 * failed), and when it ended (each absent if it never did).
 */
export interface NodeSpan {
  startMs: number;
  firstItemMs?: number;
  endMs?: number;
}

export interface FleetReport {
  videos: number;
  generateMs: number;
  executions: ExecutionReport[];
}

export interface FleetOptions {
  videos: number;
  spec: FleetSpec;
  executions: readonly Execution[];
}

/** The template in `dir` with every node that has a `concurrency` setting raised to `NODE_CONCURRENCY`. */
async function fleetGraph(dir: string): Promise<GraphFile> {
  const graph = await paperTemplateGraph(dir);
  const concurrent = (type: string) => catalog.get(type)?.config.shape.concurrency !== undefined;
  return { ...graph, nodes: graph.nodes.map((n) => (concurrent(n.type) ? { ...n, config: { ...n.config, concurrency: NODE_CONCURRENCY } } : n)) };
}

function poolLoads(spec: FleetSpec, counts: Record<ModelRole, PoolCount>): PoolLoad[] {
  return MODEL_ROLES.map((role) => {
    const pool = spec[role];
    return { role, ...pool, ...counts[role], workMs: (counts[role].requests * pool.latencyMs) / pool.concurrency };
  });
}

/** Follows a run's events from now on: when each node runs and when the first CoT is committed. */
function watchRun(engine: Engine) {
  const startedAt = performance.now();
  const spans = new Map<string, NodeSpan>();
  let firstCotMs: number | undefined;
  const stop = engine.subscribe((event) => {
    const at = performance.now() - startedAt;
    if (event.type === 'node-state') {
      const span = spans.get(event.nodeId);
      if (event.state === 'running' && !span) spans.set(event.nodeId, { startMs: at });
      else if (event.state !== 'queued' && span && span.endMs === undefined) span.endMs = at;
    } else if (event.type === 'node-progress' && event.done > event.cached + event.failed) {
      const span = spans.get(event.nodeId);
      if (span && span.firstItemMs === undefined) span.firstItemMs = at;
      if (firstCotMs === undefined && event.nodeId === 'cot') firstCotMs = at;
    }
  });
  return { spans, firstCotMs: () => firstCotMs, stop };
}

/** Why the figures of a run would mean nothing, if they would. */
function unsound(run: TimedRun, videos: number): string | undefined {
  const listed = run.node('videos').outputCounts.videos;
  if (listed !== videos) return `the video source listed ${listed} of ${videos} videos`;
  const failed = run.detail.nodes.filter((n) => n.itemsFailed > 0).map((n) => `${n.nodeId}: ${n.itemsFailed}`);
  if (failed.length) return `items failed (${failed.join(', ')})`;
  if (!run.node('cot').outputCounts.cot) return 'the run wrote no CoT';
  return undefined;
}

/**
 * Generates the videos (untimed), starts the fleet, and runs the template once per execution mode, the same graph each
 * time on a fresh data dir.
 */
export async function runPipelineFleet(options: FleetOptions): Promise<FleetReport> {
  return withTempDir(async (dir) => {
    mkdirSync(join(dir, 'videos'));
    const { ms: generateMs } = await timed(() => generateVideos(join(dir, 'videos'), options.videos, GENERATE_AT_ONCE));
    const graph = await fleetGraph(dir);
    const fleet = await startFleet(options.spec, { clientConcurrency: NODE_CONCURRENCY, timeoutMs: REQUEST_TIMEOUT_MS });
    const executions: ExecutionReport[] = [];
    try {
      for (const execution of options.executions) {
        const engine = openEngine(join(dir, `data-${execution}`), fleet.profiles);
        try {
          await fleet.takeCounts(); // from here on, what the pools receive is this run's
          const watch = watchRun(engine);
          const run = await runGraph(engine, graph, { execution }).finally(watch.stop);
          const counts = await fleet.takeCounts();
          if (counts.violations.length) throw new Error(`the scripted model saw bad requests: ${counts.violations.slice(0, 5).join('; ')}`);
          const problem = unsound(run, options.videos);
          if (problem) throw new Error(`the ${execution} run: ${problem}`);
          const pools = poolLoads(options.spec, counts.pools);
          const busiest = pools.reduce((a, b) => (b.workMs > a.workMs ? b : a));
          executions.push({ execution, run, pools, busiest, idealMs: busiest.workMs, firstCotMs: watch.firstCotMs(), spans: watch.spans });
        } finally {
          await engine.close();
        }
      }
    } finally {
      await fleet.stop();
    }
    return { videos: options.videos, generateMs, executions };
  });
}

// ---- the benchmark ------------------------------------------------------------------------------------------------

const WALL_TARGET = atMost(1.3, '× ideal');
const FIRST_COT_TARGET = atMost(0.1, ' of the run');

const share = (part: number | undefined, whole: number) => (part === undefined ? Infinity : part / whole);
const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');

function printReport(report: FleetReport): void {
  const streaming = report.executions.find((e) => e.execution === 'streaming')!;
  const rows: string[][] = [['generate the videos', fmt.ms(report.generateMs), `ffmpeg, ${GENERATE_AT_ONCE} at a time (not timed below)`]];
  for (const pool of streaming.pools) {
    rows.push([
      `  ${pool.role}`,
      fmt.ms(pool.workMs),
      `${fmt.int(pool.requests)} requests × ${pool.latencyMs} ms ÷ ${pool.concurrency} (at most ${pool.maxBusy} at once)${pool === streaming.busiest ? ' ← busiest' : ''}`,
    ]);
  }
  for (const e of report.executions) {
    const ratio = e.run.wallMs / e.idealMs;
    const cotShare = share(e.firstCotMs, e.run.wallMs);
    rows.push(
      [`${e.execution} run`, fmt.ms(e.run.wallMs), `${fmt.ratio(ratio, 2)}× its ideal ${fmt.ms(e.idealMs)} (${e.busiest.role})${e.execution === 'streaming' ? ` — target ${WALL_TARGET.label}: ${verdict(WALL_TARGET.met(ratio))}` : ''}`],
      [
        '  first CoT',
        e.firstCotMs === undefined ? 'none' : fmt.ms(e.firstCotMs),
        `${fmt.ratio(cotShare * 100, 1)} % of the run${e.execution === 'streaming' ? ` — target ${FIRST_COT_TARGET.label}: ${verdict(FIRST_COT_TARGET.met(cotShare))}` : ''}`,
      ],
      ['  CoTs', fmt.int(e.run.node('cot').outputCounts.cot ?? 0), `from ${fmt.int(e.run.node('caption').outputCounts.captions ?? 0)} captions`],
    );
  }
  printTable(`Pipeline fleet — rewatch-r1 on ${fmt.int(report.videos)} generated videos, one simulated GPU pool per model role`, rows);
  const seconds = (ms: number | undefined) => (ms === undefined ? '…' : (ms / 1000).toFixed(1));
  const spanText = (span: NodeSpan | undefined) =>
    span ? `${seconds(span.startMs)}–${seconds(span.endMs)} s${span.firstItemMs === undefined ? '' : `, first item ${seconds(span.firstItemMs)} s`}` : 'not run';
  printTable('Pipeline fleet — when each node ran, after its run’s start', [
    ['node', ...report.executions.map((e) => e.execution)],
    ...streaming.run.detail.nodes.map((n) => [n.nodeId, ...report.executions.map((e) => spanText(e.spans.get(n.nodeId)))]),
  ]);
}

export async function pipelineFleet(): Promise<BenchResult[]> {
  const report = await runPipelineFleet({ videos: scaled(500), spec: PAPER_FLEET, executions: ['barrier', 'streaming'] });
  printReport(report);
  const streaming = report.executions.find((e) => e.execution === 'streaming')!;
  const barrier = report.executions.find((e) => e.execution === 'barrier')!;
  const ratio = streaming.run.wallMs / streaming.idealMs;
  const cotShare = share(streaming.firstCotMs, streaming.run.wallMs);
  return [
    {
      name: 'pipeline-fleet',
      metric: 'streaming wall time of the paper template ÷ its busiest pool’s work',
      value: ratio,
      display: `${fmt.ratio(ratio, 2)}× ideal (barrier ${fmt.ratio(barrier.run.wallMs / barrier.idealMs, 2)}×)`,
      target: WALL_TARGET,
    },
    {
      name: 'pipeline-fleet first CoT',
      metric: 'time to the first CoT as a share of the streaming run',
      value: cotShare,
      display: streaming.firstCotMs === undefined ? 'no CoT' : `${fmt.ratio(cotShare * 100, 1)} % (${fmt.ms(streaming.firstCotMs)})`,
      target: FIRST_COT_TARGET,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await pipelineFleet();
