import { createStore } from 'zustand/vanilla';

/** The file the graph came from or was last saved to, and its text then: the graph is unsaved when it differs. */
export interface FileState {
  fileName: string | null;
  /** Where the desktop app last opened or saved the file (Save writes there again); null in a browser. */
  path: string | null;
  savedText: string | null;
  /** The canonical text of the current graph, refreshed shortly after each edit. */
  currentText: string | null;
  markSaved(fileName: string | null, text: string, path?: string | null): void;
  setCurrentText(text: string): void;
}

/** `text`: the graph's text at the start, when it is not yet unsaved. */
export function createFileStore(text: string) {
  return createStore<FileState>()((set) => ({
    fileName: null,
    path: null,
    savedText: text,
    currentText: text,
    markSaved: (fileName, text, path = null) => set({ fileName, path, savedText: text, currentText: text }),
    setCurrentText: (currentText) => set({ currentText }),
  }));
}

export type FileStore = ReturnType<typeof createFileStore>;

export function isDirty(state: Pick<FileState, 'savedText' | 'currentText'>): boolean {
  return state.currentText !== null && state.currentText !== state.savedText;
}
