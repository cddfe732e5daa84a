/** "Try on N items": what a try asks the engine for and how its outcome reads (pure, so it is tested apart). */
import { type NodeState, type NodeTypeInfo, type RunDetail, type SampleSpec, sampleRequestSchema } from '../../main/api/contract.ts';
import type { NodeLive, RunView } from '../runs/run-state.ts';

export const DEFAULT_TRY_SIZE = 5;

/** The sample typed into the try controls, or what is wrong with it (the engine checks the same schema). */
export function parseTrySample(nText: string, seedText: string): { sample: SampleSpec } | { problem: string } {
  const parsed = sampleRequestSchema.safeParse({ n: Number(nText), seed: Number(seedText) });
  if (!parsed.success) return { problem: parsed.error.issues.map((issue) => issue.message).join('; ') };
  return { sample: { n: parsed.data.n, seed: parsed.data.seed ?? 0 } };
}

export interface TriedInput {
  nodeId: string;
  port: string;
}

const hasOutput = (state: NodeState) => state === 'done' || state === 'cached';

/** Whether the node has an output in the run (it finished, or came from the cache). */
export function outputIn(run: Pick<RunDetail, 'nodes'>, nodeId: string): boolean {
  const state = run.nodes.find((n) => n.nodeId === nodeId)?.state;
  return state !== undefined && hasOutput(state);
}

/**
 * The outputs that reached the node in a try, by the graph it ran, in edge order: a map node's mapped input (the
 * items it ran on), or every input of a once-node; only those the run holds.
 */
export function triedInputs(info: NodeTypeInfo, nodeId: string, run: Pick<RunDetail, 'graph' | 'nodes'>): TriedInput[] {
  const ports = info.mode === 'map' && info.over ? [info.over] : info.inputs.map((p) => p.name);
  return run.graph.edges
    .filter((e) => e.to.node === nodeId && ports.includes(e.to.port) && outputIn(run, e.from.node))
    .map((e) => ({ nodeId: e.from.node, port: e.from.port }));
}

/** Where a try stands, as the inspector shows it. */
export type TryPhase =
  | { kind: 'starting' }
  | { kind: 'running'; done: number; total: number | null }
  /** Over: `cached` when the node's output came whole from the cache (an unchanged try); `cachedItems` of `items` otherwise. */
  | { kind: 'finished'; state: 'cached' | 'done'; items: number | null; cachedItems: number; failed: number }
  | { kind: 'stopped'; state: 'failed' | 'cancelled' | 'skipped'; message: string | undefined };

/** The try's phase from its run's view (live events, then the stored run once it is over). */
export function tryPhase(run: RunView | undefined, nodeId: string): TryPhase {
  const live: NodeLive | undefined = run?.nodes[nodeId];
  if (!run || !live) return { kind: 'starting' };
  switch (live.state) {
    case 'queued':
    case 'running':
      if (run.status !== 'running') return { kind: 'stopped', state: run.status === 'cancelled' ? 'cancelled' : 'failed', message: run.error };
      return { kind: 'running', done: live.done, total: live.total };
    case 'cached':
    case 'done':
      return { kind: 'finished', state: live.state, items: live.total, cachedItems: live.cached, failed: live.failed };
    default:
      return { kind: 'stopped', state: live.state, message: live.error ?? run.error };
  }
}

/** One line saying how a finished try came about. */
export function finishedText(phase: Extract<TryPhase, { kind: 'finished' }>): string {
  if (phase.state === 'cached') return 'nothing it depends on changed';
  const failed = phase.failed > 0 ? ` · ${phase.failed} failed` : '';
  if (phase.items === null) return `done${failed}`;
  const cached = phase.cachedItems > 0 ? ` (${phase.cachedItems} cached)` : '';
  return `ran ${phase.items} item${phase.items === 1 ? '' : 's'}${cached}${failed}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The field names of the records among `items`. */
export function fieldNames(items: readonly unknown[]): Set<string> {
  return new Set(items.filter(isRecord).flatMap((item) => Object.keys(item)));
}

/**
 * A record with the fields its inputs lack first (what the node wrote: an answer, a verdict), so a one-line view
 * starts with them; anything else is returned as it is.
 */
export function addedFieldsFirst(value: unknown, inputFields: ReadonlySet<string>): unknown {
  if (!isRecord(value)) return value;
  const entries = Object.entries(value);
  return Object.fromEntries([...entries.filter(([key]) => !inputFields.has(key)), ...entries.filter(([key]) => inputFields.has(key))]);
}
