import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { IPC, type MenuCommand } from '../../preload/bridge.ts';

/** Native menus; each item is a command the editor carries out, so menus, shortcuts and buttons do the same thing. */
export function installMenu(window: BrowserWindow): void {
  const send = (command: MenuCommand) => () => window.webContents.send(IPC.menuCommand, command);
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: send(command),
    ...(accelerator ? { accelerator } : {}),
  });
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        item('New from Template…', 'new-from-template', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'Run',
      submenu: [
        item('Run', 'run', 'CmdOrCtrl+Enter'),
        item('Run to Selected', 'run-to-selected', 'CmdOrCtrl+Shift+Enter'),
        item('Cancel', 'cancel', 'CmdOrCtrl+.'),
      ],
    },
    { label: 'View', submenu: [item('Settings…', 'settings', 'CmdOrCtrl+,'), { type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }, { role: 'togglefullscreen' }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
