import { useEffect } from 'react';
import { HostList } from './HostList.tsx';
import { ModelServerList } from './ModelServerList.tsx';
import { ProviderList } from './ProviderList.tsx';
import { useSettings } from './settings-store.ts';

/** Hosts, provider profiles and model servers, each with a way to check it; over the workspace until closed. */
export function SettingsView({ onClose }: { onClose(): void }) {
  const dataDir = useSettings((s) => s.dataDir);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <section className="settings-view" aria-label="Settings">
      <header className="settings-head">
        <h2>Settings</h2>
        <button type="button" onClick={onClose} title="Back to the graph (Esc)">
          Close
        </button>
      </header>
      <p className="muted">
        Hosts and provider profiles live in <span className="mono">hosts.yaml</span> and <span className="mono">providers.yaml</span> in the engine’s
        data dir, <span className="mono" data-testid="data-dir">{dataDir}</span> (<span className="mono">--data-dir</span> or{' '}
        <span className="mono">REWATCH_DATA_DIR</span>). Edits here are checked as the engine reads the files, written back to them (comments kept) and used at
        once: the next request through a changed profile, a running run’s too, goes to its new server. API keys stay in the environment variables the profiles
        name and are never shown or written here.
      </p>
      <HostList />
      <ProviderList />
      <ModelServerList />
    </section>
  );
}
