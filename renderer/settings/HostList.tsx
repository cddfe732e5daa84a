import { useCallback } from 'react';
import type { HostTestResult } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { formatDuration } from '../runs/format.ts';
import { TestCells } from './TestCells.tsx';
import { SettingsTable } from './SettingsTable.tsx';
import { useAction } from './use-action.ts';

const GIB = 1024 ** 3;

function describeHost(result: HostTestResult): string {
  const gpus = result.gpus.length
    ? result.gpus.map((gpu) => `${gpu.name} (${Math.round(gpu.memoryMiB / 1024)} GiB)`).join(', ')
    : 'no GPUs';
  return `${result.os} · ${(result.freeDiskBytes / GIB).toFixed(1)} GiB free · ${gpus} · ${formatDuration(result.latencyMs)}`;
}

function HostRow({ name }: { name: string }) {
  const { engine } = useServices();
  const [test, runTest] = useAction(useCallback(() => engine.testHost(name), [engine, name]));
  // The settings list names only; the kind of a remote host is known once it has been tested.
  const kind = test.status === 'ok' ? test.result.kind : name === 'local' ? 'local' : '—';
  return (
    <tr data-host={name}>
      <td>{name}</td>
      <td>{kind}</td>
      <TestCells test={test} onTest={runTest} title="Connect and read the OS, free disk and GPUs">
        {describeHost}
      </TestCells>
    </tr>
  );
}

/** The machines nodes may run on: this one and those of hosts.yaml. */
export function HostList() {
  const { settings } = useServices();
  return (
    <section className="settings-section">
      <h3>Hosts</h3>
      <SettingsTable columns={['name', 'kind', '', 'result']}>
        {settings.hosts.map((name) => (
          <HostRow key={name} name={name} />
        ))}
      </SettingsTable>
    </section>
  );
}
