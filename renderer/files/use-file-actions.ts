import { useMemo } from 'react';
import { GraphFileError } from '../../main/graph/parse.ts';
import { emptyGraph } from '../../main/graph/format.ts';
import { useServices } from '../app/services.tsx';
import { graphToDoc } from '../store/convert.ts';
import type { GraphDoc } from '../store/flow-types.ts';
import { isDirty } from './file-store.ts';
import { UNTITLED, docText, downloadText, fileNameFor, readGraphText } from './graph-files.ts';
import { dropRecoveryCopy, rememberRecent } from './local-files.ts';

export interface FileActions {
  newGraph(): void;
  /** A new, unsaved graph from one of the engine's templates. */
  newFromTemplate(name: string): Promise<void>;
  openText(text: string, fileName: string): void;
  openFile(file: File): Promise<void>;
  /** Loads a graph that is not from a file (a run's graph, a recovery copy): it starts out unsaved. */
  openUnsaved(doc: GraphDoc, fileName: string | null): void;
  save(): void;
}

export function useFileActions(): FileActions {
  const { engine, editor, files, toasts, catalog } = useServices();
  return useMemo(() => {
    const mayDiscard = () => !isDirty(files.getState()) || window.confirm('Discard the unsaved changes to this graph?');
    const load = (doc: GraphDoc, fileName: string | null, saved: boolean) => {
      editor.getState().load(doc);
      const text = docText(doc);
      files.setState({ fileName, savedText: saved ? text : null, currentText: text });
    };
    const actions: FileActions = {
      newGraph() {
        if (!mayDiscard()) return;
        load(graphToDoc(emptyGraph(UNTITLED)), null, true);
        dropRecoveryCopy();
      },
      async newFromTemplate(name) {
        if (!mayDiscard()) return;
        try {
          load(graphToDoc(await engine.getTemplate(name)), null, false);
          dropRecoveryCopy();
        } catch (error) {
          toasts.getState().push('error', `Cannot load the template ${name}: ${(error as Error).message}`);
        }
      },
      openText(text, fileName) {
        if (!mayDiscard()) return;
        try {
          const { doc, notices } = readGraphText(text, fileName, catalog);
          load(doc, fileName, true);
          rememberRecent({ fileName, savedAt: Date.now(), text });
          dropRecoveryCopy();
          for (const notice of notices) toasts.getState().push('info', `${notice.nodeId}: ${notice.message}`);
        } catch (error) {
          const problems = error instanceof GraphFileError ? error.problems.join('; ') : (error as Error).message;
          toasts.getState().push('error', `Cannot open ${fileName}: ${problems}`);
        }
      },
      async openFile(file) {
        actions.openText(await file.text(), file.name);
      },
      openUnsaved(doc, fileName) {
        if (!mayDiscard()) return;
        load(doc, fileName, false);
      },
      save() {
        const state = editor.getState();
        const text = docText(state);
        const fileName = files.getState().fileName ?? fileNameFor(state.meta.name);
        downloadText(fileName, text);
        files.getState().markSaved(fileName, text);
        rememberRecent({ fileName, savedAt: Date.now(), text });
        dropRecoveryCopy();
      },
    };
    return actions;
  }, [engine, editor, files, toasts, catalog]);
}
