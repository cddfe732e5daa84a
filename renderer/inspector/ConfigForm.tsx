import { Fragment, type ReactNode, useMemo } from 'react';
import type { NodeTypeInfo, SettingsInfo, ValidationError } from '../../main/api/contract.ts';
import { useEditor, useServices } from '../app/services.tsx';
import { useSettings } from '../settings/settings-store.ts';
import { configFields, withGraphBudget, type FieldSpec } from './config-fields.ts';
import { useServedProfiles } from './served-profiles.ts';
import { FieldLabel, FieldNotes, FieldWidget, useLocalProblem } from './widgets.tsx';

interface FieldRowProps {
  nodeId: string;
  spec: FieldSpec;
  value: unknown;
  errors: ValidationError[];
  providers: SettingsInfo['providers'];
}

function FieldRow({ nodeId, spec, value, errors, providers }: FieldRowProps) {
  const { editor } = useServices();
  const [problem, setProblem] = useLocalProblem(`${nodeId}/${spec.name}`);
  const inputId = `field-${nodeId}-${spec.name}`;
  const fieldErrors = errors.map((e) => (e.field && e.field !== spec.name ? `${e.field}: ${e.message}` : e.message));
  const messages = [problem, ...fieldErrors].filter((message): message is string => Boolean(message));
  const canReset = value !== undefined && (spec.default !== undefined || !spec.required);
  return (
    <div className={`field${messages.length ? ' invalid' : ''}`} data-field={spec.name}>
      <div className="field-head">
        <FieldLabel spec={spec} inputId={inputId} />
        {!spec.semantic && (
          <span className="tag" title="Does not change results, so it is not part of the cache key">
            no re-run
          </span>
        )}
        {value === undefined && spec.default !== undefined && (
          <span className="tag" title={spec.graphSetting && 'The graph’s video budget: set a value here to override it'}>
            {spec.graphSetting ? 'graph' : 'default'}
          </span>
        )}
        {canReset && (
          <button type="button" className="icon" title={resetTitle(spec)} onClick={() => editor.getState().setConfigValue(nodeId, spec.name, undefined)}>
            ↺
          </button>
        )}
      </div>
      <FieldWidget
        spec={spec}
        value={value}
        onChange={(next) => editor.getState().setConfigValue(nodeId, spec.name, next)}
        onProblem={setProblem}
        inputId={inputId}
        providers={providers}
      />
      <FieldNotes spec={spec} messages={messages} />
    </div>
  );
}

function resetTitle(spec: FieldSpec): string {
  if (spec.graphSetting) return 'Follow the graph’s video budget';
  return spec.default !== undefined ? 'Reset to the default' : 'Clear';
}

interface ConfigFormProps {
  nodeId: string;
  info: NodeTypeInfo;
  config: Record<string, unknown>;
  errors: ValidationError[];
  /** Shown right after the last prompt field (at the end when there is none): what the prompts produce. */
  besidePrompts?: ReactNode;
}

/** The node's config as a form generated from its JSON Schema, with the engine's validation errors inline. */
export function ConfigForm({ nodeId, info, config, errors, besidePrompts }: ConfigFormProps) {
  const video = useEditor((s) => s.meta.settings?.video);
  const fields = useMemo(() => configFields(info.configSchema).map((spec) => withGraphBudget(spec, video)), [info, video]);
  const { catalog } = useServices();
  const settingsProviders = useSettings((s) => s.providers);
  const served = useServedProfiles(catalog);
  const providers = useMemo(() => [...settingsProviders, ...served], [settingsProviders, served]);
  const known = new Set(fields.map((f) => f.name));
  const fieldOf = (error: ValidationError) => error.field?.split('.')[0];
  const strays = Object.keys(config).filter((key) => !known.has(key));
  const lastPrompt = fields.findLastIndex((spec) => spec.widget === 'prompt');
  const besideAt = lastPrompt === -1 ? fields.length - 1 : lastPrompt;
  return (
    <div className="config-form">
      {fields.map((spec, index) => (
        <Fragment key={spec.name}>
          <FieldRow nodeId={nodeId} spec={spec} value={config[spec.name]} errors={errors.filter((e) => fieldOf(e) === spec.name)} providers={providers} />
          {index === besideAt && besidePrompts}
        </Fragment>
      ))}
      {fields.length === 0 && besidePrompts}
      {strays.length > 0 && (
        <div className="field-error">
          Fields this node type does not know: {strays.join(', ')}. They are kept in the file.
        </div>
      )}
    </div>
  );
}
