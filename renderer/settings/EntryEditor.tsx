import { useEffect, useMemo, useState } from 'react';
import type { SettingsFieldError, SettingsFileInfo, SettingsKind } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { ErrorList, FieldLabel, FieldNotes, FieldWidget } from '../inspector/widgets.tsx';
import type { FieldSpec } from '../inspector/config-fields.ts';
import { HOST_KINDS, type SettingsEntry, entryErrors, entryFields, errorsOf, schemaKey, withField } from './entry-form.ts';

const TITLES: Record<SettingsKind, string> = { providers: 'profile', hosts: 'host' };

interface EntryFieldProps {
  kind: SettingsKind;
  spec: FieldSpec;
  value: unknown;
  errors: string[];
  onChange(value: unknown): void;
}

function EntryField({ kind, spec, value, errors, onChange }: EntryFieldProps) {
  const [problem, setProblem] = useState<string>();
  const inputId = `settings-${kind}-${spec.name}`;
  const messages = [problem, ...errors].filter((message): message is string => Boolean(message));
  return (
    <div className={`field${messages.length ? ' invalid' : ''}`} data-field={spec.name}>
      <div className="field-head">
        <FieldLabel spec={spec} inputId={inputId} />
        {value === undefined && spec.default !== undefined && <span className="tag">default</span>}
      </div>
      <FieldWidget spec={spec} value={value} onChange={onChange} onProblem={setProblem} inputId={inputId} providers={[]} />
      <FieldNotes spec={spec} messages={messages} />
    </div>
  );
}

interface EntryFormProps {
  file: SettingsFileInfo;
  /** The entry's name in the file; null for a new one. */
  name: string | null;
  onClose(): void;
}

function EntryForm({ file, name, onClose }: EntryFormProps) {
  const { engine, settings, toasts } = useServices();
  const [entry, setEntry] = useState<SettingsEntry>(
    () => file.entries.find((e) => e.name === name) ?? (file.kind === 'hosts' ? { kind: HOST_KINDS[0] } : {}),
  );
  const [errors, setErrors] = useState<SettingsFieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const schema = file.schemas[schemaKey(file.kind, entry)];
  const fields = useMemo(() => (schema ? entryFields(schema) : []), [schema]);
  const fileName = file.path.split(/[\\/]/).pop();

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      setErrors([{ field: '', message: (error as Error).message }]);
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    act(async () => {
      const result = await engine.saveSettingsEntry(file.kind, { ...(name !== null && { previousName: name }), entry });
      if (!result.ok) return setErrors(result.errors);
      settings.setState(result.settings, true);
      toasts.getState().push('info', `Saved ${fileName}: ${String(entry.name)} is in use from now on`);
      onClose();
    });
  const remove = () =>
    name !== null &&
    window.confirm(`Remove ${TITLES[file.kind]} "${name}" from ${fileName}?`) &&
    act(async () => {
      settings.setState(await engine.deleteSettingsEntry(file.kind, name), true);
      onClose();
    });

  return (
    <form
      className="settings-entry-form"
      aria-label={name === null ? `New ${TITLES[file.kind]}` : `Edit ${name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h4>
        {name === null ? `New ${TITLES[file.kind]}` : `Edit ${name}`} <span className="muted mono">{file.path}</span>
      </h4>
      <ErrorList messages={entryErrors(errors, fields)} />
      {file.kind === 'hosts' && (
        <div className="field" data-field="kind">
          <label htmlFor="settings-hosts-kind">kind</label>
          <select id="settings-hosts-kind" value={String(entry.kind)} disabled={name !== null} onChange={(e) => setEntry({ name: entry.name, kind: e.target.value })}>
            {HOST_KINDS.map((kind) => (
              <option key={kind}>{kind}</option>
            ))}
          </select>
        </div>
      )}
      <div className="settings-fields">
        {fields.map((spec) => (
          <EntryField
            key={`${String(entry.kind)}/${spec.name}`}
            kind={file.kind}
            spec={spec}
            value={entry[spec.name]}
            errors={errorsOf(errors, spec.name)}
            onChange={(value) => setEntry(withField(entry, spec, value))}
          />
        ))}
      </div>
      {file.kind === 'providers' && (
        <p className="muted">API keys are never written here: name the environment variable that holds one in apiKeyEnv.</p>
      )}
      <div className="settings-form-actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        {name !== null && (
          <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
            Remove
          </button>
        )}
      </div>
    </form>
  );
}

/** Edits one entry of a settings file (or adds one), loading the file's entries and schemas first. */
export function EntryEditor({ kind, name, onClose }: { kind: SettingsKind; name: string | null; onClose(): void }) {
  const { engine } = useServices();
  const [file, setFile] = useState<SettingsFileInfo | string>();
  useEffect(() => {
    engine.settingsFile(kind).then(setFile, (error: unknown) => setFile((error as Error).message));
  }, [engine, kind]);
  if (file === undefined) return <p className="muted">loading…</p>;
  if (typeof file === 'string') {
    return (
      <p className="field-error" role="alert">
        {file}
      </p>
    );
  }
  return <EntryForm file={file} name={name} onClose={onClose} />;
}
