import { useCallback, useEffect } from 'react';
import type { ModelServerInfo } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { SettingsTable } from './SettingsTable.tsx';
import { useAction } from './use-action.ts';

function ServerRow({ server, onStopped }: { server: ModelServerInfo; onStopped(): void }) {
  const { engine } = useServices();
  const [stop, start] = useAction(
    useCallback(async () => {
      const result = await engine.stopModelServer(server.id);
      if (result.stopped) onStopped();
      return result;
    }, [engine, server.id, onStopped]),
  );
  const inUse = server.runIds.length > 0;
  return (
    <tr data-model-server={server.id}>
      <td>{server.profile}</td>
      <td>{server.engine}</td>
      <td>{server.model}</td>
      <td>{server.host}</td>
      <td className="mono">{server.baseURL ?? 'not attached (an earlier session started it)'}</td>
      <td>{server.keepWarm ? 'warm' : '—'}</td>
      <td className="mono">{inUse ? server.runIds.join(', ') : 'none'}</td>
      <td>
        <button
          type="button"
          onClick={start}
          disabled={inUse || stop.status === 'running'}
          title={inUse ? 'Runs are using it; it stops when they end (unless kept warm)' : 'Stop this server'}
        >
          Stop
        </button>
        {stop.status === 'ok' && !stop.result.stopped && <span className="muted"> still in use</span>}
        {stop.status === 'failed' && (
          <span className="field-error" role="alert">
            {' '}
            {stop.message}
          </span>
        )}
      </td>
    </tr>
  );
}

function ServerTable({ servers, onStopped }: { servers: ModelServerInfo[]; onStopped(): void }) {
  if (servers.length === 0) {
    return (
      <p className="muted" data-testid="no-model-servers">
        No model servers are running. A run’s model-server node starts one; kept warm, it stays up for later runs until
        stopped here.
      </p>
    );
  }
  return (
    <SettingsTable columns={['profile', 'engine', 'model', 'host', 'baseURL', 'warm', 'used by runs', '']}>
      {servers.map((server) => (
        <ServerRow key={server.id} server={server} onStopped={onStopped} />
      ))}
    </SettingsTable>
  );
}

/** The vLLM/SGLang servers the engine started for runs, kept while runs use them or kept warm. */
export function ModelServerList() {
  const { engine } = useServices();
  const [listing, reload] = useAction(useCallback(() => engine.modelServers(), [engine]));
  useEffect(reload, [reload]);
  return (
    <section className="settings-section">
      <h3>
        Model servers{' '}
        <button type="button" className="link" onClick={reload}>
          refresh
        </button>
      </h3>
      {listing.status === 'ok' ? (
        <ServerTable servers={listing.result} onStopped={reload} />
      ) : listing.status === 'failed' ? (
        <p className="field-error" role="alert">
          {listing.message}
        </p>
      ) : (
        <p className="muted">loading…</p>
      )}
    </section>
  );
}
