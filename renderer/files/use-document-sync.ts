import { useEffect } from 'react';
import { useServices } from '../app/services.tsx';
import { isDirty } from './file-store.ts';
import { docText } from './graph-files.ts';
import { keepRecoveryCopy } from './local-files.ts';

const TEXT_DELAY_MS = 250;
const AUTOSAVE_EVERY_MS = 3000;

/**
 * Keeps `files.currentText` (the canonical text of the graph) a moment behind the editor, so that the unsaved
 * marker, validation and the recovery copy follow edits without serialising the graph on every drag frame.
 */
export function useDocumentSync(): void {
  const { editor, files } = useServices();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => files.getState().setCurrentText(docText(editor.getState()));
    refresh();
    const unsubscribe = editor.subscribe((state, previous) => {
      if (state.nodes === previous.nodes && state.edges === previous.edges && state.meta === previous.meta) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, TEXT_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [editor, files]);

  useEffect(() => {
    let lastKept: string | null = null;
    const interval = setInterval(() => {
      const state = files.getState();
      if (!isDirty(state) || state.currentText === lastKept || state.currentText === null) return;
      lastKept = state.currentText;
      keepRecoveryCopy({ fileName: state.fileName ?? '', savedAt: Date.now(), text: state.currentText });
    }, AUTOSAVE_EVERY_MS);
    return () => clearInterval(interval);
  }, [files]);
}
