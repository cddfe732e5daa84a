/**
 * The desktop extras the Electron preload exposes to the editor as `window.rewatchDesktop`. Everything else (graphs,
 * runs, previews) goes through the engine's HTTP/WebSocket API, the same as in a browser. Pure types and names:
 * imported by the preload, the Electron main process and the renderer. The arguments are those of `ipc-schemas.ts`.
 */
import type { IpcArguments, SaveGraphRequest } from './ipc-schemas.ts';

export interface GraphFileHandle {
  path: string;
  text: string;
}

export type MenuCommand =
  | 'new-from-template'
  | 'open'
  | 'save'
  | 'save-as'
  | 'undo'
  | 'redo'
  | 'run'
  | 'run-to-selected'
  | 'cancel'
  | 'settings';

export interface DesktopBridge {
  /** Shows an open dialog for `*.rewatch.json`; null when cancelled. */
  openGraphFile(): Promise<GraphFileHandle | null>;
  /** Reads a file from the recent list. */
  openRecentFile(...args: IpcArguments<'openRecentFile'>): Promise<GraphFileHandle | null>;
  recentFiles(): Promise<string[]>;
  /**
   * Writes to `path` when this session's dialogs (or recent list) gave it, and otherwise asks where (save dialog);
   * null when cancelled. Secret-looking values are removed before writing (the editor has removed and reported
   * them already; this is the backstop).
   */
  saveGraphFile(request: SaveGraphRequest): Promise<{ path: string } | null>;
  /** Shows a file this session opened or saved in the OS file manager. */
  revealInFolder(...args: IpcArguments<'revealInFolder'>): Promise<void>;
  /** Names of the secrets kept with the OS keychain (`safeStorage`); values never come back to the page. */
  secretNames(): Promise<string[]>;
  /** Keeps a secret (e.g. `OPENAI_API_KEY`); the engine receives it as that environment variable on its next start. */
  setSecret(...args: IpcArguments<'setSecret'>): Promise<void>;
  deleteSecret(...args: IpcArguments<'deleteSecret'>): Promise<void>;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

export const IPC = {
  openGraphFile: 'rewatch:open-graph-file',
  openRecentFile: 'rewatch:open-recent-file',
  recentFiles: 'rewatch:recent-files',
  saveGraphFile: 'rewatch:save-graph-file',
  revealInFolder: 'rewatch:reveal-in-folder',
  secretNames: 'rewatch:secret-names',
  setSecret: 'rewatch:set-secret',
  deleteSecret: 'rewatch:delete-secret',
  menuCommand: 'rewatch:menu-command',
} as const;
