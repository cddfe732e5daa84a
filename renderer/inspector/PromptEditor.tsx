import { Decoration, MatchDecorator, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import { useRef } from 'react';
import { TEMPLATE_VARIABLE } from '../../nodes/sdk/template.ts';
import { useCodeEditor } from './use-code-editor.ts';

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
  useCodeEditor(host, { value, onCommit, label, extensions: highlightVariables });
  return <div className="prompt-editor" ref={host} data-field-editor="prompt" />;
}
