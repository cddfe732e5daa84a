import { useMemo } from 'react';
import { GraphFileError } from '../../main/graph/parse.ts';
import { emptyGraph } from '../../main/graph/format.ts';
import { describeRemovedSecrets } from '../../main/graph/secrets.ts';
import { type Services, useServices } from '../app/services.tsx';
import { graphToDoc } from '../store/convert.ts';
import type { GraphDoc } from '../store/flow-types.ts';
import { desktopBridge, type GraphFileAccess, graphFileAccess, type OpenedGraphFile, type RecentEntry } from './desktop-files.ts';
import { isDirty } from './file-store.ts';
import { UNTITLED, docText, fileNameFor, readGraphText, savedDoc } from './graph-files.ts';
import { dropRecoveryCopy } from './local-files.ts';

export interface FileActions {
  /** Whether files go through the desktop app's dialogs (else upload/download). */
  readonly native: boolean;
  newGraph(): void;
  /** A new, unsaved graph from one of the engine's templates. */
  newFromTemplate(name: string): Promise<void>;
  /** Asks for a graph file and opens it (in a browser, the file picker calls `openFile`). */
  open(): Promise<void>;
  openText(text: string, fileName: string, path?: string | null): void;
  openFile(file: File): Promise<void>;
  /** The recent files, newest first. */
  recent(): Promise<RecentEntry[]>;
  openRecent(key: string): Promise<void>;
  /** Loads a graph that is not from a file (a run's graph, a recovery copy): it starts out unsaved. */
  openUnsaved(doc: GraphDoc, fileName: string | null): void;
  /** Writes to the file the graph came from (asks only when it has none yet). */
  save(): Promise<void>;
  /** Always asks where. */
  saveAs(): Promise<void>;
}

type FileServices = Pick<Services, 'engine' | 'editor' | 'files' | 'toasts' | 'catalog' | 'runs'>;

/** The file actions over the stores and a file access (desktop dialogs or browser upload/download). */
export function createFileActions({ engine, editor, files, toasts, catalog, runs }: FileServices, access: GraphFileAccess): FileActions {
  const mayDiscard = () => !isDirty(files.getState()) || window.confirm('Discard the unsaved changes to this graph?');
  const load = (doc: GraphDoc, fileName: string | null, saved: boolean, path: string | null = null) => {
    editor.getState().load(doc);
    runs.getState().viewNone();
    const text = docText(doc);
    files.setState({ fileName, path, savedText: saved ? text : null, currentText: text });
  };
  const fail = (what: string) => (error: unknown) => toasts.getState().push('error', `${what}: ${(error as Error).message}`);
  const loadFile = (file: OpenedGraphFile | null) => {
    const result = file && parse(file);
    if (result) load(...result);
  };
  const write = async (ask: boolean) => {
    const state = editor.getState();
    const { text, clean, removed } = savedDoc(state);
    const current = files.getState();
    const suggestedName = current.fileName ?? fileNameFor(state.meta.name);
    try {
      const saved = await access.save({ path: current.path, suggestedName, text, ask });
      if (!saved) return;
      // The editor shows what the file holds: the removed values leave the document (and its undo history) too.
      if (clean) {
        editor.getState().load(clean);
        toasts.getState().push('info', `Saved ${saved.fileName}: ${describeRemovedSecrets(removed)}`);
      }
      files.getState().markSaved(saved.fileName, text, saved.path);
      access.remember({ fileName: saved.fileName, path: saved.path, text });
      dropRecoveryCopy();
    } catch (error) {
      fail(`Cannot save ${suggestedName}`)(error);
    }
  };
  const actions: FileActions = {
    native: access.native,
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
        fail(`Cannot load the template ${name}`)(error);
      }
    },
    async open() {
      // Asked before the dialog, so that cancelling the discard does not show one.
      if (access.native && !mayDiscard()) return;
      try {
        loadFile(await access.open());
      } catch (error) {
        fail('Cannot open the file')(error);
      }
    },
    openText(text, fileName, path = null) {
      if (!mayDiscard()) return;
      loadFile({ text, fileName, path });
    },
    async openFile(file) {
      actions.openText(await file.text(), file.name);
    },
    recent: () => access.recent(),
    async openRecent(key) {
      if (!mayDiscard()) return;
      try {
        loadFile(await access.openRecent(key));
      } catch (error) {
        fail(`Cannot open ${key}`)(error);
      }
    },
    openUnsaved(doc, fileName) {
      if (!mayDiscard()) return;
      load(doc, fileName, false);
    },
    save: () => write(false),
    saveAs: () => write(true),
  };
  /** Parses an opened file, keeps it in the recent list and shows its notices; undefined (and a toast) when invalid. */
  function parse(file: OpenedGraphFile): Parameters<typeof load> | undefined {
    try {
      const { doc, notices } = readGraphText(file.text, file.fileName, catalog);
      access.remember(file);
      dropRecoveryCopy();
      for (const notice of notices) toasts.getState().push('info', `${notice.nodeId}: ${notice.message}`);
      return [doc, file.fileName, true, file.path];
    } catch (error) {
      const problems = error instanceof GraphFileError ? error.problems.join('; ') : (error as Error).message;
      toasts.getState().push('error', `Cannot open ${file.fileName}: ${problems}`);
      return undefined;
    }
  }
  return actions;
}

/** The access for this window: the bridge when there is one, else the page's file input and downloads. */
let windowAccess: GraphFileAccess | undefined;
export function defaultFileAccess(): GraphFileAccess {
  windowAccess ??= graphFileAccess(desktopBridge(), {
    chooseFile: () => document.querySelector<HTMLInputElement>('input[data-testid="open-file"]')?.click(),
  });
  return windowAccess;
}

export function useFileActions(access: GraphFileAccess = defaultFileAccess()): FileActions {
  const { engine, editor, files, toasts, catalog, runs } = useServices();
  return useMemo(() => createFileActions({ engine, editor, files, toasts, catalog, runs }, access), [engine, editor, files, toasts, catalog, runs, access]);
}
