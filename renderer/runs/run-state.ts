/** What the editor knows about runs: live states from `RunEvent`s, or a finished run loaded from the history. */
import type { NodeRunInfo, NodeState, NodeTotals, RunDetail, RunEvent, RunStatus, SampleSpec } from '../../main/api/contract.ts';

export interface NodeLive {
  state: NodeState;
  done: number;
  available: number;
  total: number | null;
  cached: number;
  failed: number;
  error?: string;
  /** Filled in from `getRun` once the run is over. */
  info?: NodeRunInfo;
}

export interface RunView {
  runId: string;
  graphName: string;
  status: RunStatus;
  nodes: Record<string, NodeLive>;
  error?: string;
  totals?: NodeTotals;
  startedAt: number;
  finishedAt?: number;
  /** A sample run: its results come from `n` items of each source. */
  sample?: SampleSpec;
}

export interface LogEntry {
  at: number;
  runId: string;
  nodeId?: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

const idle = (state: NodeState): NodeLive => ({ state, done: 0, available: 0, total: null, cached: 0, failed: 0 });

export function reduceRunEvent(view: RunView | undefined, event: RunEvent, now: number): RunView | undefined {
  if (event.type === 'run-started') {
    return {
      runId: event.runId,
      graphName: event.graphName,
      status: 'running',
      nodes: Object.fromEntries(event.nodeIds.map((id) => [id, idle('queued')])),
      startedAt: now,
      ...(event.sample && { sample: event.sample }),
    };
  }
  if (!view) return view;
  switch (event.type) {
    case 'node-state': {
      const node = view.nodes[event.nodeId] ?? idle(event.state);
      return {
        ...view,
        nodes: { ...view.nodes, [event.nodeId]: { ...node, state: event.state, ...(event.error ? { error: event.error } : {}) } },
      };
    }
    case 'node-progress': {
      const node = view.nodes[event.nodeId] ?? idle('running');
      const { done, available, total, cached, failed } = event;
      return { ...view, nodes: { ...view.nodes, [event.nodeId]: { ...node, done, available, total, cached, failed } } };
    }
    case 'run-finished':
      return { ...view, status: event.status, totals: event.totals, finishedAt: now, ...(event.error ? { error: event.error } : {}) };
    default:
      return view;
  }
}

/** The log line an event adds, if any. */
export function logEntryOf(event: RunEvent, now: number): LogEntry | undefined {
  const base = { at: now, runId: event.runId };
  switch (event.type) {
    case 'run-started':
      return { ...base, level: 'info', message: `run started: ${event.graphName} (${event.nodeIds.length} nodes)` };
    case 'node-state':
      return {
        ...base,
        nodeId: event.nodeId,
        level: event.state === 'failed' ? 'error' : 'info',
        message: `${event.state}${event.error ? `: ${event.error}` : ''}`,
      };
    case 'node-log':
      return { ...base, nodeId: event.nodeId, level: event.level, message: event.message };
    case 'item-error':
      return { ...base, nodeId: event.nodeId, level: 'warn', message: `item ${event.seq}: ${event.message}` };
    case 'run-finished':
      return {
        ...base,
        level: event.status === 'done' ? 'info' : 'error',
        message: `run ${event.status}${event.error ? `: ${event.error}` : ''}`,
      };
    default:
      return undefined;
  }
}

/** A stored run as a view: states and totals per node. */
export function viewOfDetail(detail: RunDetail): RunView {
  return {
    runId: detail.runId,
    graphName: detail.graphName,
    status: detail.status,
    startedAt: detail.startedAt,
    ...(detail.finishedAt !== null ? { finishedAt: detail.finishedAt } : {}),
    ...(detail.error ? { error: detail.error } : {}),
    totals: detail.totals,
    ...(detail.sample && { sample: detail.sample }),
    nodes: Object.fromEntries(
      detail.nodes.map((info) => [
        info.nodeId,
        {
          state: info.state,
          done: info.itemsDone,
          available: info.itemsTotal,
          total: info.itemsTotal,
          cached: info.itemsCached,
          failed: info.itemsFailed,
          ...(info.error ? { error: info.error } : {}),
          info,
        },
      ]),
    ),
  };
}
