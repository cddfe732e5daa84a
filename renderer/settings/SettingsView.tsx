import { useEffect } from 'react';
import { HostList } from './HostList.tsx';
import { ModelServerList } from './ModelServerList.tsx';
import { ProviderList } from './ProviderList.tsx';

/** Hosts, provider profiles and model servers, each with a way to check it; over the workspace until closed. */
export function SettingsView({ onClose }: { onClose(): void }) {
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
        Hosts and provider profiles come from <span className="mono">hosts.yaml</span> and{' '}
        <span className="mono">providers.yaml</span> in the engine’s data dir (<span className="mono">--data-dir</span> or{' '}
        <span className="mono">REWATCH_DATA_DIR</span>, else the app’s data folder), read when the engine starts: edit them there and restart. API keys stay in the
        environment variables the profiles name and are never shown here.
      </p>
      <HostList />
      <ProviderList />
      <ModelServerList />
    </section>
  );
}
