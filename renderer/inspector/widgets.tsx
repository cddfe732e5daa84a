import { useEffect, useState } from 'react';
import type { SettingsInfo } from '../../main/api/contract.ts';
import { type FieldSpec, numberProblem } from './config-fields.ts';
import { JsonSchemaEditor } from './JsonSchemaEditor.tsx';
import { readJsonSchemaText } from './json-schema-text.ts';
import { PromptEditor } from './PromptEditor.tsx';
import { useDraft } from './use-draft.ts';

interface WidgetProps {
  spec: FieldSpec;
  /** The value in the config; `undefined` when the default applies. */
  value: unknown;
  /** `undefined` removes the field from the config. */
  onChange(value: unknown): void;
  /** A problem found before the value reaches the config. */
  onProblem(problem: string | undefined): void;
  inputId: string;
  /** The profiles in the settings; a name outside them is still typed in, and flagged by validation. */
  providers: SettingsInfo['providers'];
}

const shown = (props: WidgetProps) => props.value ?? props.spec.default;
const asText = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function TextWidget(props: WidgetProps) {
  const { spec, onChange, inputId } = props;
  const draft = useDraft(asText(shown(props)), (text) => onChange(text === '' && spec.widget === 'path' ? undefined : text));
  return (
    <input
      id={inputId}
      {...draft}
      list={spec.widget === 'provider' ? `${inputId}-providers` : undefined}
      placeholder={spec.widget === 'path' ? '/path/to/file' : undefined}
      spellCheck={false}
    />
  );
}

function ProviderWidget(props: WidgetProps) {
  return (
    <>
      <TextWidget {...props} />
      <datalist id={`${props.inputId}-providers`}>
        {props.providers.map((p) => (
          <option key={p.name} value={p.name} label={`${p.model} · ${p.baseURL}`} />
        ))}
      </datalist>
    </>
  );
}

function NumberWidget(props: WidgetProps) {
  const { spec, onChange, onProblem, inputId } = props;
  const draft = useDraft(asText(shown(props)), (text) => {
    if (text.trim() === '') {
      onProblem(undefined);
      onChange(undefined);
      return;
    }
    const problem = numberProblem(spec, Number(text));
    onProblem(problem);
    if (!problem) onChange(Number(text));
  });
  const range = [spec.minimum !== undefined && `≥ ${spec.minimum}`, spec.maximum !== undefined && `≤ ${spec.maximum}`].filter(Boolean).join(', ');
  return <input id={inputId} inputMode="decimal" {...draft} placeholder={range || undefined} />;
}

function EnumWidget(props: WidgetProps) {
  return (
    <select id={props.inputId} value={asText(shown(props))} onChange={(e) => props.onChange(e.target.value)}>
      {props.value === undefined && props.spec.default === undefined && <option value="">—</option>}
      {props.spec.options?.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

function BooleanWidget(props: WidgetProps) {
  return <input id={props.inputId} type="checkbox" checked={Boolean(shown(props))} onChange={(e) => props.onChange(e.target.checked)} />;
}

function ListItem({ value, onCommit, onRemove, label }: { value: string; onCommit(text: string): void; onRemove(): void; label: string }) {
  const draft = useDraft(value, onCommit);
  return (
    <li>
      <input {...draft} aria-label={label} />
      <button type="button" className="icon" onClick={onRemove} title="Remove this item">
        ×
      </button>
    </li>
  );
}

function ListWidget(props: WidgetProps) {
  const { spec, onChange } = props;
  const items = Array.isArray(shown(props)) ? (shown(props) as unknown[]) : [];
  const parse = (text: string): unknown => (spec.item === 'number' ? Number(text) : text);
  const replace = (index: number, text: string) => onChange(items.map((item, i) => (i === index ? parse(text) : item)));
  return (
    <ul className="list-widget" id={props.inputId}>
      {items.map((item, i) => (
        <ListItem key={i} value={asText(item)} label={`${spec.name} ${i + 1}`} onCommit={(text) => replace(i, text)} onRemove={() => onChange(items.filter((_, j) => j !== i))} />
      ))}
      <li>
        <button type="button" onClick={() => onChange([...items, spec.item === 'number' ? 0 : ''])}>
          + Add
        </button>
      </li>
    </ul>
  );
}

function JsonWidget(props: WidgetProps) {
  const { onChange, onProblem, inputId } = props;
  const value = shown(props);
  const draft = useDraft(value === undefined ? '' : JSON.stringify(value, null, 2), (text) => {
    if (text.trim() === '') {
      onProblem(undefined);
      onChange(undefined);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      onProblem(undefined);
      onChange(parsed);
    } catch (error) {
      onProblem(`not valid JSON: ${(error as Error).message}`);
    }
  }, { multiline: true });
  return <textarea id={inputId} className="mono" rows={Math.min(12, Math.max(3, draft.value.split('\n').length))} spellCheck={false} {...draft} />;
}

/** Stores what parses as a JSON object (a schema ajv rejects too: validation flags it); the rest stays in the editor. */
function JsonSchemaWidget({ value, onChange, onProblem, spec }: WidgetProps) {
  const commit = (text: string) => {
    const read = readJsonSchemaText(text);
    if (read.kind !== 'unreadable') onChange(read.kind === 'empty' ? undefined : read.schema);
  };
  return <JsonSchemaEditor value={value === undefined ? '' : JSON.stringify(value, null, 2)} onCommit={commit} onProblem={onProblem} label={spec.name} />;
}

function PromptWidget(props: WidgetProps) {
  return <PromptEditor value={asText(shown(props))} onCommit={(text) => props.onChange(text)} label={props.spec.name} />;
}

const WIDGETS = {
  text: TextWidget,
  path: TextWidget,
  provider: ProviderWidget,
  prompt: PromptWidget,
  json: JsonWidget,
  'json-schema': JsonSchemaWidget,
  number: NumberWidget,
  integer: NumberWidget,
  enum: EnumWidget,
  boolean: BooleanWidget,
  list: ListWidget,
} satisfies Record<FieldSpec['widget'], (props: WidgetProps) => unknown>;

/** The editor for one config field, picked by its widget. */
export function FieldWidget(props: WidgetProps) {
  const Widget = WIDGETS[props.spec.widget];
  return <Widget {...props} />;
}

/** A problem with what was typed, cleared when the node changes. */
export function useLocalProblem(resetKey: string) {
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    setProblem(undefined);
  }, [resetKey]);
  return [problem, setProblem] as const;
}

/** A config field's name, labelling its widget, with its description as the tooltip and a mark when it is required. */
export function FieldLabel({ spec, inputId }: { spec: FieldSpec; inputId: string }) {
  return (
    <label htmlFor={inputId} title={spec.description}>
      {spec.name}
      {spec.required && <span className="required" title="Required">*</span>}
    </label>
  );
}

/** Messages shown as alerts, one per line. */
export function ErrorList({ messages }: { messages: readonly string[] }) {
  return messages.map((message, i) => (
    <div key={i} className="field-error" role="alert">
      {message}
    </div>
  ));
}

/** Under a config field's widget: its description, then what is wrong with its value. */
export function FieldNotes({ spec, messages }: { spec: FieldSpec; messages: readonly string[] }) {
  return (
    <>
      {spec.description && <div className="field-help">{spec.description}</div>}
      <ErrorList messages={messages} />
    </>
  );
}
