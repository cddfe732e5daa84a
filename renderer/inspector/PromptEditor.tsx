import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type ViewUpdate, keymap, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { TEMPLATE_VARIABLE } from '../../nodes/sdk/template.ts';

const variableMarks = new MatchDecorator({
  regexp: TEMPLATE_VARIABLE,
  decoration: Decoration.mark({ class: 'cm-template-var' }),
});

/** Marks `{{field}}` / `{{a.b}}` template variables. */
const highlightVariables = ViewPlugin.define(
  (view) => ({
    decorations: variableMarks.createDeco(view),
    update(this: { decorations: ReturnType<MatchDecorator['createDeco']> }, update: ViewUpdate) {
      this.decorations = variableMarks.updateDeco(update, this.decorations);
    },
  }),
  { decorations: (plugin) => plugin.decorations },
);

interface PromptEditorProps {
  value: string;
  /** Called when the editor loses focus with changed text. */
  onCommit(text: string): void;
  label: string;
}

/** A CodeMirror editor for prompt templates. */
export function PromptEditor({ value, onCommit, label }: PromptEditorProps) {
  const host = useRef<HTMLDivElement>(null);
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
          highlightVariables,
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
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
  }, [label]);

  // Outside changes (undo, another node selected) replace the text unless the user is typing in it.
  useEffect(() => {
    const editor = view.current;
    committed.current = value;
    if (!editor || editor.hasFocus || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div className="prompt-editor" ref={host} data-field-editor="prompt" />;
}
