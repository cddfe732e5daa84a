import { useEffect, useState } from 'react';
import type { HttpEngineClient } from '../api/index.ts';
import { emptyGraph } from '../../main/graph/format.ts';
import { createFileStore } from '../files/file-store.ts';
import { UNTITLED, docText } from '../files/graph-files.ts';
import { createRunsStore } from '../runs/run-store.ts';
import { createSettingsStore } from '../settings/settings-store.ts';
import { indexCatalog } from '../store/catalog-index.ts';
import { graphToDoc } from '../store/convert.ts';
import { createEditorStore } from '../store/graph-store.ts';
import { createValidationStore } from '../store/validation-store.ts';
import { App } from './App.tsx';
import { createPanelLayoutStore } from './panel-layout.ts';
import { type Services, ServicesProvider } from './services.tsx';
import { createToastStore } from './toast-store.ts';

type Phase = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; services: Services };

/** Loads the catalog and settings from the engine, then shows the app. */
export function Boot({ engine, server }: { engine: HttpEngineClient | undefined; server: Services['server'] }) {
  const [phase, setPhase] = useState<Phase>(
    engine
      ? { kind: 'loading' }
      : { kind: 'failed', message: 'This page needs the engine token: open the address printed by `rewatch serve` (it ends in #token=…).' },
  );
  useEffect(() => {
    if (!engine) return;
    Promise.all([engine.catalog(), engine.settings()]).then(
      ([catalog, settings]) => {
        const index = indexCatalog(catalog);
        const doc = graphToDoc(emptyGraph(UNTITLED));
        setPhase({
          kind: 'ready',
          services: {
            engine,
            connection: engine.connection,
            server,
            catalog: index,
            settings: createSettingsStore(settings),
            editor: createEditorStore(index, doc),
            runs: createRunsStore(),
            validation: createValidationStore(),
            files: createFileStore(docText(doc)),
            toasts: createToastStore(),
            layout: createPanelLayoutStore(localStorage),
          },
        });
      },
      (error: unknown) => setPhase({ kind: 'failed', message: `Cannot reach the engine: ${(error as Error).message}` }),
    );
  }, [engine, server]);

  if (phase.kind === 'ready') {
    return (
      <ServicesProvider services={phase.services}>
        <App />
      </ServicesProvider>
    );
  }
  return <div className="boot">{phase.kind === 'loading' ? 'Connecting to the engine…' : phase.message}</div>;
}
