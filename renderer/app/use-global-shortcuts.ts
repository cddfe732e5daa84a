import { type RefObject, useEffect } from 'react';
import type { FileActions } from '../files/use-file-actions.ts';
import type { RunActions } from '../runs/use-run-actions.ts';
import { useServices } from './services.tsx';
import { isModKey, onShortcutKeys } from './shortcuts.ts';

/** Undo/redo, save, open and run, while the focus is not in a field. */
export function useGlobalShortcuts(files: FileActions, runs: RunActions, openInput: RefObject<HTMLInputElement | null>): void {
  const { editor } = useServices();
  useEffect(
    () =>
      onShortcutKeys((event) => {
        if (!isModKey(event)) return false;
        const key = event.key.toLowerCase();
        const history = editor.temporal.getState();
        if (key === 'z' && !event.shiftKey) history.undo();
        else if ((key === 'z' && event.shiftKey) || key === 'y') history.redo();
        else if (key === 's') files.save();
        else if (key === 'o') openInput.current?.click();
        else if (key === 'enter') runs.runAll();
        else return false;
        return true;
      }),
    [editor, files, runs, openInput],
  );
}
