/**
 * The desktop extras the Electron preload exposes to the editor as `window.rewatchDesktop`. Everything else (graphs,
 * runs, previews) goes through the engine's HTTP/WebSocket API, the same as in a browser. Pure types and names:
 * imported by the preload, the Electron main process and the renderer.
 */
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
  openRecentFile(path: string): Promise<GraphFileHandle | null>;
  recentFiles(): Promise<string[]>;
  /** Writes to `path`, or asks where (save dialog) when there is none; null when cancelled. */
  saveGraphFile(request: { path?: string; suggestedName: string; text: string }): Promise<{ path: string } | null>;
  revealInFolder(path: string): Promise<void>;
  /** Names of the secrets kept with the OS keychain (`safeStorage`); values never come back to the page. */
  secretNames(): Promise<string[]>;
  /** Keeps a secret (e.g. `OPENAI_API_KEY`); the engine receives it as that environment variable on its next start. */
  setSecret(name: string, value: string): Promise<void>;
  deleteSecret(name: string): Promise<void>;
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

/** Secrets are handed to the engine as environment variables, so their names must be valid ones. */
export const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;
