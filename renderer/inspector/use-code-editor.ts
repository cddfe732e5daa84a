import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { type RefObject, useEffect, useRef } from 'react';

interface CodeEditorOptions {
  value: string;
  /** Called when the editor loses focus with changed text. */
  onCommit(text: string): void;
  label: string;
  /** The language, highlighting and checks of this kind of text. */
  extensions: Extension;
}

/**
 * A CodeMirror editor in `host` that commits its text on blur; outside changes (undo, another node selected) replace
 * the text unless the user is typing in it. Returns the view, for callers that decorate it.
 */
export function useCodeEditor(host: RefObject<HTMLDivElement | null>, { value, onCommit, label, extensions }: CodeEditorOptions): RefObject<EditorView | null> {
  const view = useRef<EditorView | null>(null);
  const commit = useRef(onCommit);
  commit.current = onCommit;
  const committed = useRef(value);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: committed.current,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          bracketMatching(),
          placeholder('Empty'),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.domEventHandlers({
            blur: (_event, v) => {
              const text = v.state.doc.toString();
              if (text !== committed.current) {
                committed.current = text;
                commit.current(text);
              }
            },
          }),
          extensions,
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // `extensions` are fixed per editor kind; a new label is a new field.
  }, [label]);

  useEffect(() => {
    const editor = view.current;
    committed.current = value;
    if (!editor || editor.hasFocus || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return view;
}
