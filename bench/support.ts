/** Helpers shared by the benchmarks: scale, temp dirs, timing, JSON Lines files, graphs, engine runs, tables. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NodeRunInfo, RunDetail, RunRequest } from '../main/api/contract.ts';
import { Engine } from '../main/engine/engine.ts';
import type { GraphFile } from '../main/graph/format.ts';
import { loadTemplate } from '../main/graph/templates.ts';
import type { ProviderProfile } from '../main/llm/profiles.ts';
import { catalog } from '../test/support/engine-fixture.ts';

// ---- scale -----------------------------------------------------------------------------------------------------

/** `BENCH_SCALE` (e.g. 0.1) shrinks every item count for a quick run; 1 (full size) by default. */
export const SCALE = (() => {
  const raw = process.env.BENCH_SCALE;
  const value = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
})();

export function scaled(fullSize: number): number {
  return Math.max(1, Math.round(fullSize * SCALE));
}

// ---- results ---------------------------------------------------------------------------------------------------

export interface Target {
  /** e.g. "≥ 0.95" */
  label: string;
  met(value: number): boolean;
}

export const atLeast = (threshold: number, unit = ''): Target => ({ label: `≥ ${threshold}${unit}`, met: (v) => v >= threshold });
export const atMost = (threshold: number, unit = ''): Target => ({ label: `≤ ${threshold}${unit}`, met: (v) => v <= threshold });

export interface BenchResult {
  name: string;
  /** The headline figure and what it is. */
  metric: string;
  value: number;
  display: string;
  /** Absent for benchmarks that only report. */
  target?: Target;
}

export function passed(result: BenchResult): boolean | undefined {
  return result.target?.met(result.value);
}

// ---- formatting and tables -------------------------------------------------------------------------------------

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 3 : 1)} ms`),
  us: (ms: number) => `${(ms * 1000).toFixed(2)} µs`,
  ratio: (n: number, digits = 3) => n.toFixed(digits),
  rate: (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')} items/s`,
  mib: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`,
};

/** Prints `rows` as an aligned table under a title: label column left-aligned, value column right-aligned, notes after. */
export function printTable(title: string, rows: ReadonlyArray<readonly string[]>): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd(),
  );
  const rule = '─'.repeat(Math.max(title.length, ...lines.map((l) => l.length + 2)));
  console.log(`\n${title}\n${rule}`);
  for (const line of lines) console.log(`  ${line}`);
}

// ---- time and files --------------------------------------------------------------------------------------------

/** Milliseconds taken by `fn`, with its value. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * CPU milliseconds used so far by this process and by the child processes it has waited for (ffmpeg, ffprobe), or
 * undefined where the children's share cannot be read (it comes from Linux's /proc/self/stat: cutime and cstime).
 */
export function cpuMsWithChildren(): number | undefined {
  let fields: string[];
  try {
    // Fields after the command name (which may hold spaces, hence the split at its closing parenthesis).
    fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
  const ticksPerMs = 100 / 1000; // USER_HZ: 100 on Linux's common ABIs (x86, Arm)
  const childrenMs = (Number(fields[13]) + Number(fields[14])) / ticksPerMs;
  const own = process.cpuUsage();
  return childrenMs + (own.user + own.system) / 1000;
}

/** `timed`, plus the CPU time `fn` used in this process and its waited-for children (undefined off Linux). */
export async function timedWithCpu<T>(fn: () => T | Promise<T>): Promise<{ ms: number; cpuMs: number | undefined; value: T }> {
  const cpuBefore = cpuMsWithChildren();
  const { ms, value } = await timed(fn);
  const cpuAfter = cpuMsWithChildren();
  return { ms, value, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/** The fastest of `times` runs of `fn`: the least disturbed by other load on a noisy machine. */
export async function fastestOf(times: number, fn: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < times; i++) best = Math.min(best, (await timed(fn)).ms);
  return best;
}

/** Runs `fn` with a fresh directory under the OS temp dir, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rewatch-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes (or with `append`, adds) `count` JSON Lines made by `row(from + i)`, a batch at a time, never all in memory;
 * returns `path`.
 */
export function writeJsonl(path: string, count: number, row: (i: number) => unknown, options: { append?: boolean; from?: number } = {}): string {
  const fd = openSync(path, options.append ? 'a' : 'w');
  try {
    const from = options.from ?? 0;
    for (let start = 0; start < count; start += 1000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) lines.push(JSON.stringify(row(from + i)));
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

// ---- graphs and engine runs ------------------------------------------------------------------------------------

export interface Step {
  id: string;
  type: string;
  config: Record<string, unknown>;
  /** The port that receives the previous step's output (`items` by default). */
  input?: string;
  /** The port that feeds the next step (`items` by default). */
  output?: string;
}

/** A linear graph: each step's output port feeds the next step's input port. */
export function chainGraph(name: string, steps: readonly Step[]): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name,
    nodes: steps.map((s, i) => ({ id: s.id, type: s.type, typeVersion: 1, position: { x: i * 200, y: 0 }, config: s.config })),
    edges: steps.slice(1).map((s, i) => ({
      id: `e${i + 1}`,
      from: { node: steps[i]!.id, port: steps[i]!.output ?? 'items' },
      to: { node: s.id, port: s.input ?? 'items' },
    })),
  };
}

/**
 * The `rewatch-r1` template reading its videos from `DIR/videos` and writing its exports and report under `DIR/out`;
 * `config` adds fields to nodes' configs by node id.
 */
export async function paperTemplateGraph(dir: string, config: Record<string, Record<string, unknown>> = {}): Promise<GraphFile> {
  const { graph } = await loadTemplate('rewatch-r1', catalog.lookup);
  const paths: Record<string, Record<string, unknown>> = {
    videos: { folder: join(dir, 'videos') },
    sft: { outputDir: join(dir, 'out', 'sft') },
    grpo: { outputDir: join(dir, 'out', 'grpo') },
    report: { outputDir: join(dir, 'out', 'report') },
  };
  return { ...graph, nodes: graph.nodes.map((n) => ({ ...n, config: { ...n.config, ...paths[n.id], ...config[n.id] } })) };
}

export function openEngine(dataDir: string, providers: ProviderProfile[] = []): Engine {
  return new Engine({ dataDir, catalog, providers, llmBackoff: { baseMs: 5, capMs: 50 } });
}

export interface TimedRun {
  detail: RunDetail;
  /** Wall clock from `startRun` to the end of `waitForRun`. */
  wallMs: number;
  node(id: string): NodeRunInfo;
}

/** Runs a graph to the end; a run that does not finish `done` is an error (the figures would mean nothing). */
export async function runGraph(engine: Engine, graph: GraphFile, options: Omit<RunRequest, 'graph'> = {}): Promise<TimedRun> {
  const { ms: wallMs, value: runId } = await timed(async () => {
    const { runId } = await engine.startRun({ ...options, graph });
    await engine.waitForRun(runId);
    return runId;
  });
  const detail = await engine.getRun(runId);
  if (detail.status !== 'done') {
    const failures = detail.nodes.filter((n) => n.error).map((n) => `${n.nodeId}: ${n.error}`);
    throw new Error(`run of "${graph.name}" ended ${detail.status}: ${[detail.error, ...failures].filter(Boolean).join('; ')}`);
  }
  const node = (id: string) => {
    const found = detail.nodes.find((n) => n.nodeId === id);
    if (!found) throw new Error(`run has no node "${id}"`);
    return found;
  };
  return { detail, wallMs, node };
}

// ---- child processes -------------------------------------------------------------------------------------------

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface TsxChild {
  process: ChildProcess;
  /** The next line the child prints on stdout, parsed as JSON (lines printed before it exited included). */
  nextJson<T>(): Promise<T>;
  /** Closes the child's stdin (its cue to stop) and waits for it to exit successfully. */
  stop(): Promise<void>;
}

/** Runs a TypeScript file of the repository in a child process (through tsx); stderr passes through. */
export function startTsxChild(script: string, args: readonly string[]): TsxChild {
  const child = spawn(process.execPath, ['scripts/rewatch-tsx.mjs', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin!.on('error', () => {}); // a child that already exited cannot be told to stop
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    process: child,
    async nextJson<T>() {
      const next = await lines.next(); // ends when stdout closes, i.e. when the child is gone
      if (next.done) throw new Error(`${script} printed nothing more (exit ${child.exitCode ?? child.signalCode ?? 'unknown'})`);
      return JSON.parse(next.value as string) as T;
    },
    async stop() {
      child.stdin!.end();
      const [code, signal] = await exited;
      if (code !== 0) throw new Error(`${script} exited with ${code ?? signal}`);
    },
  };
}
