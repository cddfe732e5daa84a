import type { MenuCommand } from '../../preload/bridge.ts';
import type { FileActions } from '../files/use-file-actions.ts';
import type { RunActions } from '../runs/use-run-actions.ts';
import type { RunsStore } from '../runs/run-store.ts';
import type { EditorStore } from '../store/graph-store.ts';
import type { ToastStore } from './toast-store.ts';

/** What the desktop menu, the keyboard and the toolbar can ask for: one table, whichever asks. */
export type CommandTable = Record<MenuCommand, () => void>;

interface CommandDeps {
  files: FileActions;
  runs: RunActions;
  editor: EditorStore;
  runsStore: RunsStore;
  toasts: ToastStore;
  /** Shows the template list (the toolbar's "From template" menu). */
  showTemplates(): void;
  /** Shows the settings view (hosts, provider profiles, model servers). */
  showSettings(): void;
}

export function createCommands({ files, runs, editor, runsStore, toasts, showTemplates, showSettings }: CommandDeps): CommandTable {
  return {
    'new-from-template': showTemplates,
    settings: showSettings,
    open: () => void files.open(),
    save: () => void files.save(),
    'save-as': () => void files.saveAs(),
    undo: () => editor.temporal.getState().undo(),
    redo: () => editor.temporal.getState().redo(),
    run: () => runs.runAll(),
    'run-to-selected'() {
      const selected = editor.getState().nodes.filter((n) => n.selected);
      if (selected.length === 1) runs.runTo(selected[0]!.id);
      else toasts.getState().push('info', 'Select one node to run to it');
    },
    cancel() {
      const { viewedRunId, runs: all } = runsStore.getState();
      if (viewedRunId && all[viewedRunId]?.status === 'running') runs.cancel(viewedRunId);
    },
  };
}

/** Runs the desktop menu's commands through the table; returns the remover (a no-op in a browser). */
export function listenToMenu(bridge: { onMenuCommand(listener: (command: MenuCommand) => void): () => void } | undefined, commands: CommandTable): () => void {
  if (!bridge) return () => {};
  return bridge.onMenuCommand((command) => commands[command]?.());
}
