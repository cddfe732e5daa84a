import { useEffect } from 'react';
import { desktopBridge } from '../files/desktop-files.ts';
import { type CommandTable, listenToMenu } from './commands.ts';
import { isModKey, onShortcutKeys } from './shortcuts.ts';

/** Undo/redo, save, save as, open and run while the focus is not in a field; and the desktop menu's commands. */
export function useGlobalShortcuts(commands: CommandTable): void {
  useEffect(
    () =>
      onShortcutKeys((event) => {
        if (!isModKey(event)) return false;
        const key = event.key.toLowerCase();
        if (key === 'z' && !event.shiftKey) commands.undo();
        else if ((key === 'z' && event.shiftKey) || key === 'y') commands.redo();
        else if (key === 's') commands[event.shiftKey ? 'save-as' : 'save']();
        else if (key === 'o') commands.open();
        else if (key === 'enter') commands.run();
        else return false;
        return true;
      }),
    [commands],
  );
  useEffect(() => listenToMenu(desktopBridge(), commands), [commands]);
}
