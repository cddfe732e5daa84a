import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type DesktopBridge, type MenuCommand } from './bridge.ts';

const bridge: DesktopBridge = {
  openGraphFile: () => ipcRenderer.invoke(IPC.openGraphFile),
  openRecentFile: (path) => ipcRenderer.invoke(IPC.openRecentFile, path),
  recentFiles: () => ipcRenderer.invoke(IPC.recentFiles),
  saveGraphFile: (request) => ipcRenderer.invoke(IPC.saveGraphFile, request),
  revealInFolder: (path) => ipcRenderer.invoke(IPC.revealInFolder, path),
  secretNames: () => ipcRenderer.invoke(IPC.secretNames),
  setSecret: (name, value) => ipcRenderer.invoke(IPC.setSecret, name, value),
  deleteSecret: (name) => ipcRenderer.invoke(IPC.deleteSecret, name),
  onMenuCommand(listener) {
    const handler = (_event: IpcRendererEvent, command: MenuCommand) => listener(command);
    ipcRenderer.on(IPC.menuCommand, handler);
    return () => ipcRenderer.off(IPC.menuCommand, handler);
  },
};

contextBridge.exposeInMainWorld('rewatchDesktop', bridge);
