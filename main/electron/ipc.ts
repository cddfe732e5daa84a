import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BrowserWindow,
  IpcMainInvokeEvent,
  OpenDialogOptions,
  OpenDialogReturnValue,
  SaveDialogOptions,
  SaveDialogReturnValue,
} from 'electron';
import { saveGraphFile } from '../graph/files.ts';
import { graphFileSchema } from '../graph/format.ts';
import { IPC, type GraphFileHandle } from '../../preload/bridge.ts';
import { type IpcArguments, type IpcChannel, ipcArguments, type SaveGraphRequest } from '../../preload/ipc-schemas.ts';
import { ChosenPaths } from './chosen-paths.ts';
import { RecentFiles } from './recent-files.ts';
import type { SecretStore } from './secrets.ts';
import { assertTrustedSender } from './trusted-sender.ts';

const GRAPH_FILTERS = [{ name: 'ReWatch graph', extensions: ['json'] }];

/** What the handlers need of Electron (`ipcMain`, `dialog`, `shell`); tests pass doubles. */
export interface IpcDeps {
  ipcMain: { handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void };
  dialog: {
    showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
    showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  };
  shell: { showItemInFolder(path: string): void };
  window: BrowserWindow;
  engineOrigin: string;
  userData: string;
  secrets: Pick<SecretStore, 'names' | 'set' | 'delete'>;
}

type Handlers = { [C in IpcChannel]: (...args: IpcArguments<C>) => unknown };

/**
 * The desktop extras of the preload bridge. Every request is checked to come from the editor itself, and its
 * arguments are parsed with the channel's schema before a handler sees them.
 */
export function registerIpc({ ipcMain, dialog, shell, window, engineOrigin, userData, secrets }: IpcDeps): void {
  const recent = new RecentFiles(join(userData, 'recent-files.json'));
  const chosen = new ChosenPaths();
  const opened = async (path: string): Promise<GraphFileHandle> => {
    const text = await readFile(path, 'utf8');
    chosen.add(path);
    recent.remember(path);
    return { path, text };
  };
  const askWhere = async (suggestedName: string): Promise<string | undefined> => {
    const result = await dialog.showSaveDialog(window, { defaultPath: suggestedName, filters: GRAPH_FILTERS });
    if (result.canceled || !result.filePath) return undefined;
    chosen.add(result.filePath);
    return result.filePath;
  };
  const save = async ({ path, suggestedName, text }: SaveGraphRequest) => {
    const graph = graphFromText(text);
    const target = path !== undefined && chosen.has(path) ? path : await askWhere(suggestedName);
    if (target === undefined) return null;
    await saveGraphFile(target, graph);
    recent.remember(target);
    return { path: target };
  };

  const handlers: Handlers = {
    async openGraphFile() {
      const result = await dialog.showOpenDialog(window, { filters: GRAPH_FILTERS, properties: ['openFile'] });
      return result.canceled || !result.filePaths[0] ? null : opened(result.filePaths[0]);
    },
    openRecentFile: async (path) => (recent.list().includes(path) && existsSync(path) ? opened(path) : null),
    recentFiles: () => recent.list(),
    saveGraphFile: save,
    revealInFolder(path) {
      if (!chosen.has(path)) throw new Error(`${path} was not opened or saved in this session`);
      shell.showItemInFolder(path);
    },
    secretNames: () => secrets.names(),
    setSecret: (name, value) => secrets.set(name, value),
    deleteSecret: (name) => secrets.delete(name),
  };

  for (const name of Object.keys(handlers) as IpcChannel[]) {
    ipcMain.handle(IPC[name], (event, ...args) => {
      assertTrustedSender(event, engineOrigin);
      const parsed = ipcArguments[name].safeParse(args);
      if (!parsed.success) throw new Error(`${IPC[name]}: ${describeIssues(parsed.error.issues)}`);
      return (handlers[name] as (...values: unknown[]) => unknown)(...parsed.data);
    });
  }
}

/** The page sends the file's text; it must be a graph, and what is written is that graph without secrets. */
function graphFromText(text: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not a graph file: ${(error as Error).message}`);
  }
  const checked = graphFileSchema.safeParse(value);
  if (!checked.success) throw new Error(`not a graph file: ${describeIssues(checked.error.issues)}`);
  // The parsed value, not zod's output: a graph is written back with every key it came with.
  return value as typeof checked.data;
}

function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message)).join('; ');
}
