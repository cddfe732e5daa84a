import { createStore } from 'zustand/vanilla';
import type { RunEvent, RunInfo } from '../../main/api/contract.ts';
import { type LogEntry, type RunView, logEntryOf, reduceRunEvent } from './run-state.ts';

const LOG_LIMIT = 5000;

export interface RunsState {
  /** Runs seen live or opened from the history, by id. */
  runs: Record<string, RunView>;
  /**
   * The run whose states the canvas shows and whose outputs the previews read. A newly started run is followed unless
   * it is a sample run (a try in the inspector, or `--sample` from the CLI): a sample run is viewed only when chosen
   * from the history, so trying a prompt never replaces the full run on the canvas.
   */
  viewedRunId: string | null;
  /** Node id → its latest "Try on N items" run (the inspector shows its outputs beside the node's prompts). */
  tryRuns: Record<string, string>;
  log: LogEntry[];
  history: RunInfo[];
  apply(event: RunEvent): void;
  /** Keeps `view` (e.g. a finished run reloaded with its totals) without changing which run is viewed. */
  remember(view: RunView): void;
  /** Keeps `view` and views it. */
  show(view: RunView): void;
  /** Views no run and forgets the tries: another graph was opened, whose nodes these runs do not describe. */
  viewNone(): void;
  /** Records `runId` as the node's latest try (a sample run of the node and what it needs). */
  setTryRun(nodeId: string, runId: string): void;
  setHistory(history: RunInfo[]): void;
  clearLog(): void;
}

export function createRunsStore() {
  return createStore<RunsState>()((set, get) => ({
    runs: {},
    viewedRunId: null,
    tryRuns: {},
    log: [],
    history: [],
    apply(event) {
      const now = Date.now();
      const { runs, log } = get();
      const next = reduceRunEvent(runs[event.runId], event, now);
      const entry = logEntryOf(event, now);
      set({
        ...(next ? { runs: { ...runs, [event.runId]: next } } : {}),
        // A newly started full run is followed, whoever started it.
        ...(event.type === 'run-started' && !event.sample ? { viewedRunId: event.runId } : {}),
        ...(entry ? { log: [...log.slice(-(LOG_LIMIT - 1)), entry] } : {}),
      });
    },
    remember(view) {
      set({ runs: { ...get().runs, [view.runId]: view } });
    },
    show(view) {
      set({ runs: { ...get().runs, [view.runId]: view }, viewedRunId: view.runId });
    },
    viewNone() {
      set({ viewedRunId: null, tryRuns: {} });
    },
    setTryRun(nodeId, runId) {
      set({ tryRuns: { ...get().tryRuns, [nodeId]: runId } });
    },
    setHistory(history) {
      set({ history });
    },
    clearLog() {
      set({ log: [] });
    },
  }));
}

export type RunsStore = ReturnType<typeof createRunsStore>;
