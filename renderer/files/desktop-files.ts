import type { DesktopBridge } from '../../preload/bridge.ts';
import { downloadText } from './graph-files.ts';
import { recentFiles, rememberRecent } from './local-files.ts';

/** A graph file's text, its name, and in the desktop app where it lives. */
export interface OpenedGraphFile {
  fileName: string;
  path: string | null;
  text: string;
}

export interface RecentEntry {
  /** What `openRecent` takes: a path (desktop) or a file name (browser). */
  key: string;
  label: string;
  detail: string;
}

/** Where graph files come from and go to: native dialogs in the desktop app, upload/download in a browser. */
export interface GraphFileAccess {
  readonly native: boolean;
  /** Asks for a file. The browser shows its file picker, which opens the file through `openFile`, so this gives null. */
  open(): Promise<OpenedGraphFile | null>;
  /** Writes `text` to `path`, asking where first when there is no path or `ask` (Save As); null when cancelled. */
  save(request: { path: string | null; suggestedName: string; text: string; ask: boolean }): Promise<{ fileName: string; path: string | null } | null>;
  recent(): Promise<RecentEntry[]>;
  openRecent(key: string): Promise<OpenedGraphFile | null>;
  /** Notes an opened or saved file in the recent list (the desktop app keeps its own). */
  remember(file: OpenedGraphFile): void;
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() || path;

export function desktopFileAccess(bridge: DesktopBridge): GraphFileAccess {
  const opened = (file: { path: string; text: string } | null): OpenedGraphFile | null =>
    file && { fileName: baseName(file.path), path: file.path, text: file.text };
  return {
    native: true,
    open: async () => opened(await bridge.openGraphFile()),
    async save({ path, suggestedName, text, ask }) {
      const saved = await bridge.saveGraphFile({ path: ask ? undefined : (path ?? undefined), suggestedName, text });
      return saved && { fileName: baseName(saved.path), path: saved.path };
    },
    recent: async () => (await bridge.recentFiles()).map((path) => ({ key: path, label: baseName(path), detail: path })),
    openRecent: async (path) => opened(await bridge.openRecentFile(path)),
    remember() {},
  };
}

interface BrowserFileDeps {
  /** Shows the page's file picker (the hidden `<input type="file">`). */
  chooseFile(): void;
  download?(fileName: string, text: string): void;
}

export function browserFileAccess({ chooseFile, download = downloadText }: BrowserFileDeps): GraphFileAccess {
  return {
    native: false,
    async open() {
      chooseFile();
      return null;
    },
    async save({ suggestedName, text }) {
      download(suggestedName, text);
      return { fileName: suggestedName, path: null };
    },
    recent: async () =>
      recentFiles().map((f) => ({ key: f.fileName, label: f.fileName, detail: new Date(f.savedAt).toLocaleString() })),
    async openRecent(fileName) {
      const file = recentFiles().find((f) => f.fileName === fileName);
      return file ? { fileName: file.fileName, path: null, text: file.text } : null;
    },
    remember({ fileName, text }) {
      rememberRecent({ fileName, savedAt: Date.now(), text });
    },
  };
}

/** The bridge the Electron preload exposes; absent in a browser. */
export function desktopBridge(): DesktopBridge | undefined {
  return typeof window === 'undefined' ? undefined : (window as { rewatchDesktop?: DesktopBridge }).rewatchDesktop;
}

/** The desktop implementation when the bridge is there, else the browser one. */
export function graphFileAccess(bridge: DesktopBridge | undefined, browser: BrowserFileDeps): GraphFileAccess {
  return bridge ? desktopFileAccess(bridge) : browserFileAccess(browser);
}
