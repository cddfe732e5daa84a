import { useCallback, useState } from 'react';
import type { ProviderTestResult, SettingsInfo } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { formatDuration } from '../runs/format.ts';
import { EntryEditor } from './EntryEditor.tsx';
import { useSettings } from './settings-store.ts';
import { TestCells } from './TestCells.tsx';
import { SettingsTable } from './SettingsTable.tsx';
import { useAction } from './use-action.ts';

function describeReply(result: ProviderTestResult): string {
  return `${result.servedModel} replied “${result.reply}” · ${formatDuration(result.latencyMs)}`;
}

function ProviderRow({ provider, onEdit }: { provider: SettingsInfo['providers'][number]; onEdit(): void }) {
  const { engine } = useServices();
  const [test, runTest] = useAction(useCallback(() => engine.testProvider(provider.name), [engine, provider.name]));
  return (
    <tr data-provider={provider.name}>
      <td>{provider.name}</td>
      <td>{provider.model}</td>
      <td className="mono">{provider.baseURL}</td>
      <td>
        <button type="button" onClick={onEdit} title="Edit this profile in providers.yaml">
          Edit
        </button>
      </td>
      <TestCells test={test} onTest={runTest} title="Send one short chat request (not cached)">
        {describeReply}
      </TestCells>
    </tr>
  );
}

/** The OpenAI-compatible endpoints of providers.yaml that graphs name: tested, edited, added. */
export function ProviderList() {
  const providers = useSettings((s) => s.providers);
  const [editing, setEditing] = useState<{ name: string | null }>();
  return (
    <section className="settings-section">
      <h3>
        Provider profiles{' '}
        <button type="button" className="link" onClick={() => setEditing({ name: null })}>
          + add profile
        </button>
      </h3>
      {providers.length === 0 ? (
        <p className="muted">No provider profiles yet.</p>
      ) : (
        <SettingsTable columns={['name', 'model', 'baseURL', '', '', 'result']}>
          {providers.map((provider) => (
            <ProviderRow key={provider.name} provider={provider} onEdit={() => setEditing({ name: provider.name })} />
          ))}
        </SettingsTable>
      )}
      {editing && <EntryEditor key={editing.name ?? ''} kind="providers" name={editing.name} onClose={() => setEditing(undefined)} />}
    </section>
  );
}
