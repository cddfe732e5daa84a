import { useCallback, useState } from 'react';
import type { HostTestResult } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { formatDuration } from '../runs/format.ts';
import { EntryEditor } from './EntryEditor.tsx';
import { useSettings } from './settings-store.ts';
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

const LOCAL = 'local';

function HostRow({ name, onEdit }: { name: string; onEdit(): void }) {
  const { engine } = useServices();
  const [test, runTest] = useAction(useCallback(() => engine.testHost(name), [engine, name]));
  // The settings list names only; the kind of a remote host is known once it has been tested.
  const kind = test.status === 'ok' ? test.result.kind : name === LOCAL ? LOCAL : '—';
  return (
    <tr data-host={name}>
      <td>{name}</td>
      <td>{kind}</td>
      <td>
        {name !== LOCAL && (
          <button type="button" onClick={onEdit} title="Edit this host in hosts.yaml">
            Edit
          </button>
        )}
      </td>
      <TestCells test={test} onTest={runTest} title="Connect and read the OS, free disk and GPUs">
        {describeHost}
      </TestCells>
    </tr>
  );
}

/** The machines nodes may run on: this one and those of hosts.yaml, which can be edited and added to. */
export function HostList() {
  const hosts = useSettings((s) => s.hosts);
  const [editing, setEditing] = useState<{ name: string | null }>();
  return (
    <section className="settings-section">
      <h3>
        Hosts{' '}
        <button type="button" className="link" onClick={() => setEditing({ name: null })}>
          + add host
        </button>
      </h3>
      <SettingsTable columns={['name', 'kind', '', '', 'result']}>
        {hosts.map((name) => (
          <HostRow key={name} name={name} onEdit={() => setEditing({ name })} />
        ))}
      </SettingsTable>
      {editing && <EntryEditor key={editing.name ?? ''} kind="hosts" name={editing.name} onClose={() => setEditing(undefined)} />}
    </section>
  );
}
