import { useCallback } from 'react';
import type { ProviderTestResult, SettingsInfo } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { formatDuration } from '../runs/format.ts';
import { TestCells } from './TestCells.tsx';
import { SettingsTable } from './SettingsTable.tsx';
import { useAction } from './use-action.ts';

function describeReply(result: ProviderTestResult): string {
  return `${result.servedModel} replied “${result.reply}” · ${formatDuration(result.latencyMs)}`;
}

function ProviderRow({ provider }: { provider: SettingsInfo['providers'][number] }) {
  const { engine } = useServices();
  const [test, runTest] = useAction(useCallback(() => engine.testProvider(provider.name), [engine, provider.name]));
  return (
    <tr data-provider={provider.name}>
      <td>{provider.name}</td>
      <td>{provider.model}</td>
      <td className="mono">{provider.baseURL}</td>
      <TestCells test={test} onTest={runTest} title="Send one short chat request (not cached)">
        {describeReply}
      </TestCells>
    </tr>
  );
}

/** The OpenAI-compatible endpoints of providers.yaml that graphs name. */
export function ProviderList() {
  const { settings } = useServices();
  return (
    <section className="settings-section">
      <h3>Provider profiles</h3>
      {settings.providers.length === 0 ? (
        <p className="muted">No provider profiles yet.</p>
      ) : (
        <SettingsTable columns={['name', 'model', 'baseURL', '', 'result']}>
          {settings.providers.map((provider) => (
            <ProviderRow key={provider.name} provider={provider} />
          ))}
        </SettingsTable>
      )}
    </section>
  );
}
