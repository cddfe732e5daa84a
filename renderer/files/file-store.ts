import { createStore } from 'zustand/vanilla';

/** The file the graph came from or was last saved to, and its text then: the graph is unsaved when it differs. */
export interface FileState {
  fileName: string | null;
  savedText: string | null;
  /** The canonical text of the current graph, refreshed shortly after each edit. */
  currentText: string | null;
  markSaved(fileName: string | null, text: string): void;
  setCurrentText(text: string): void;
}

/** `text`: the graph's text at the start, when it is not yet unsaved. */
export function createFileStore(text: string) {
  return createStore<FileState>()((set) => ({
    fileName: null,
    savedText: text,
    currentText: text,
    markSaved: (fileName, text) => set({ fileName, savedText: text, currentText: text }),
    setCurrentText: (currentText) => set({ currentText }),
  }));
}

export type FileStore = ReturnType<typeof createFileStore>;

export function isDirty(state: Pick<FileState, 'savedText' | 'currentText'>): boolean {
  return state.currentText !== null && state.currentText !== state.savedText;
}
