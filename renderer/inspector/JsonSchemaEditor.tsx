import { json } from '@codemirror/lang-json';
import { HighlightStyle, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { type EditorState, type Range, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useServices } from '../app/services.tsx';
import { useDebounced } from '../app/use-debounced.ts';
import { readJsonSchemaText } from './json-schema-text.ts';
import { useCodeEditor } from './use-code-editor.ts';

/** Colours readable on the inspector's dark background. */
const jsonColours = HighlightStyle.define([
  { tag: tags.propertyName, color: '#93c5fd' },
  { tag: tags.string, color: '#a7f3d0' },
  { tag: tags.number, color: '#fbbf24' },
  { tag: [tags.bool, tags.null], color: '#f0abfc' },
  { tag: [tags.brace, tags.squareBracket, tags.separator], color: '#9ca3af' },
]);

const errorMark = Decoration.mark({ class: 'cm-json-error' });

/** Marks where the JSON parser gave up (its error nodes), so a missing comma shows where it is. */
function syntaxErrors(state: EditorState): DecorationSet {
  const marks: Range<Decoration>[] = [];
  syntaxTree(state).iterate({
    enter: (node) => {
      if (!node.type.isError) return;
      const from = Math.min(node.from, Math.max(0, state.doc.length - 1));
      const to = Math.max(node.to, Math.min(state.doc.length, from + 1));
      if (to > from) marks.push(errorMark.range(from, to));
    },
  });
  return Decoration.set(marks, true);
}

const syntaxErrorMarks = StateField.define<DecorationSet>({
  create: syntaxErrors,
  update: (marks, transaction) => (transaction.docChanged || syntaxTree(transaction.state) !== syntaxTree(transaction.startState) ? syntaxErrors(transaction.state) : marks),
  provide: (field) => EditorView.decorations.from(field),
});

interface JsonSchemaEditorProps {
  value: string;
  onCommit(text: string): void;
  /** Called as the user types: why the text is not a usable schema (ajv, as the engine compiles it), or undefined. */
  onProblem(problem: string | undefined): void;
  label: string;
}

/** How long typing pauses before the engine is asked whether the schema compiles. */
const CHECK_DELAY_MS = 250;

/** Reports what is wrong with the typed text: unreadable JSON at once, a schema ajv rejects once the engine says so. */
function useSchemaCheck(typed: string | undefined, onProblem: (problem: string | undefined) => void): void {
  const { engine } = useServices();
  const settled = useDebounced(typed, CHECK_DELAY_MS);
  const report = useRef(onProblem);
  report.current = onProblem;
  useEffect(() => {
    if (settled === undefined) return;
    const read = readJsonSchemaText(settled);
    if (read.kind !== 'schema') return report.current(read.kind === 'empty' ? undefined : read.problem);
    let current = true;
    engine.checkJsonSchema(read.schema).then(
      ({ error }) => current && report.current(error ?? undefined),
      (error: Error) => current && report.current(`could not check the schema: ${error.message}`),
    );
    return () => {
      current = false;
    };
  }, [settled, engine]);
}

/** A JSON editor for JSON Schema fields: highlighted, syntax errors marked, the schema checked as it is typed. */
export function JsonSchemaEditor({ value, onCommit, onProblem, label }: JsonSchemaEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  /** The text as the user left it after their last edit; undefined until they edit. */
  const [typed, setTyped] = useState<string>();
  const extensions = useMemo(
    () => [
      json(),
      syntaxHighlighting(jsonColours),
      syntaxErrorMarks,
      EditorView.updateListener.of((update) => {
        if (update.docChanged && update.view.hasFocus) setTyped(update.state.doc.toString());
      }),
    ],
    [],
  );
  useCodeEditor(host, { value, onCommit, label, extensions });
  useSchemaCheck(typed, onProblem);
  return <div className="prompt-editor json-editor" ref={host} data-field-editor="json-schema" />;
}
