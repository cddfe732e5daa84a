import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dialog, ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC, type GraphFileHandle } from '../../preload/bridge.ts';
import { assertTrustedSender } from './security.ts';
import type { SecretStore } from './secrets.ts';

const GRAPH_FILTERS = [{ name: 'ReWatch graph', extensions: ['json'] }];
const RECENT_LIMIT = 10;

/** The desktop extras of the preload bridge. Every handler first checks that the editor itself is asking. */
export function registerIpc(options: { window: BrowserWindow; engineOrigin: string; userData: string; secrets: SecretStore }): void {
  const { window, engineOrigin, secrets } = options;
  const recentFile = join(options.userData, 'recent-files.json');
  const recent = (): string[] => (existsSync(recentFile) ? (JSON.parse(readFileSync(recentFile, 'utf8')) as string[]) : []);
  const remember = (path: string) =>
    writeFileSync(recentFile, JSON.stringify([path, ...recent().filter((p) => p !== path)].slice(0, RECENT_LIMIT)));
  const read = async (path: string): Promise<GraphFileHandle> => {
    const text = await readFile(path, 'utf8');
    remember(path);
    return { path, text };
  };

  const handle = <A extends unknown[], R>(channel: string, handler: (...args: A) => R | Promise<R>) =>
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      assertTrustedSender(event, engineOrigin);
      return handler(...(args as A));
    });

  handle(IPC.openGraphFile, async () => {
    const result = await dialog.showOpenDialog(window, { filters: GRAPH_FILTERS, properties: ['openFile'] });
    return result.canceled || !result.filePaths[0] ? null : read(result.filePaths[0]);
  });
  handle(IPC.openRecentFile, async (path: string) => (recent().includes(path) && existsSync(path) ? read(path) : null));
  handle(IPC.recentFiles, () => recent());
  handle(IPC.saveGraphFile, async (request: { path?: string; suggestedName: string; text: string }) => {
    let path = request.path;
    if (!path) {
      const result = await dialog.showSaveDialog(window, { defaultPath: request.suggestedName, filters: GRAPH_FILTERS });
      if (result.canceled || !result.filePath) return null;
      path = result.filePath;
    }
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, request.text, 'utf8');
    await rename(temporary, path);
    remember(path);
    return { path };
  });
  handle(IPC.revealInFolder, (path: string) => shell.showItemInFolder(path));
  handle(IPC.secretNames, () => secrets.names());
  handle(IPC.setSecret, (name: string, value: string) => secrets.set(name, value));
  handle(IPC.deleteSecret, (name: string) => secrets.delete(name));
}
