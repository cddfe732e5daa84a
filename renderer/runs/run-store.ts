import { createStore } from 'zustand/vanilla';
import type { RunEvent, RunInfo } from '../../main/api/contract.ts';
import { type LogEntry, type RunView, logEntryOf, reduceRunEvent } from './run-state.ts';

const LOG_LIMIT = 5000;

export interface RunsState {
  /** Runs seen live or opened from the history, by id. */
  runs: Record<string, RunView>;
  /** The run whose states the canvas shows and whose outputs the previews read. */
  viewedRunId: string | null;
  log: LogEntry[];
  history: RunInfo[];
  apply(event: RunEvent): void;
  /** Keeps `view` (e.g. a finished run reloaded with its totals) without changing which run is viewed. */
  remember(view: RunView): void;
  /** Keeps `view` and views it. */
  show(view: RunView): void;
  /** Views no run: another graph was opened, whose nodes the viewed run's states do not describe. */
  viewNone(): void;
  setHistory(history: RunInfo[]): void;
  clearLog(): void;
}

export function createRunsStore() {
  return createStore<RunsState>()((set, get) => ({
    runs: {},
    viewedRunId: null,
    log: [],
    history: [],
    apply(event) {
      const now = Date.now();
      const { runs, log } = get();
      const next = reduceRunEvent(runs[event.runId], event, now);
      const entry = logEntryOf(event, now);
      set({
        ...(next ? { runs: { ...runs, [event.runId]: next } } : {}),
        // A newly started run is followed, whoever started it.
        ...(event.type === 'run-started' ? { viewedRunId: event.runId } : {}),
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
      set({ viewedRunId: null });
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
