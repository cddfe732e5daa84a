import { ReactFlowProvider } from '@xyflow/react';
import { type CSSProperties, useCallback, useMemo, useRef, useState } from 'react';
import { Canvas } from '../canvas/Canvas.tsx';
import { OverviewZoom } from '../canvas/overview.tsx';
import { useCanvasCommands } from '../canvas/use-canvas-commands.ts';
import { RecoveryBanner } from '../files/RecoveryBanner.tsx';
import { useDocumentSync } from '../files/use-document-sync.ts';
import { defaultFileAccess, useFileActions } from '../files/use-file-actions.ts';
import { useFileDrop } from '../files/use-file-drop.ts';
import { Inspector } from '../inspector/Inspector.tsx';
import { Palette } from '../palette/Palette.tsx';
import { useRunActions } from '../runs/use-run-actions.ts';
import { useRunEvents } from '../runs/use-run-events.ts';
import { ProvenanceView } from '../provenance/ProvenanceView.tsx';
import { SettingsView } from '../settings/SettingsView.tsx';
import { useSettingsRefresh } from '../settings/settings-store.ts';
import { BottomPanel } from './BottomPanel.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { createCommands } from './commands.ts';
import type { PanelId, PanelLayout } from './panel-layout.ts';
import { useLayout, useServices } from './services.tsx';
import { Splitter } from './Splitter.tsx';
import { Toasts } from './Toasts.tsx';
import { Toolbar } from './Toolbar.tsx';
import { useGlobalShortcuts } from './use-global-shortcuts.ts';
import { useValidationSync } from './use-validation-sync.ts';

/** The panels' sizes as the CSS variables the grid in theme.css reads; a collapsed panel takes no room. */
function panelSizes(panels: PanelLayout['panels']): CSSProperties {
  const size = (id: PanelId) => (panels[id].collapsed ? '0px' : `${panels[id].size}px`);
  return { '--palette-size': size('palette'), '--inspector-size': size('inspector'), '--bottom-size': size('bottom') } as CSSProperties;
}

function Workspace() {
  const { editor, runs: runsStore, toasts } = useServices();
  const openInput = useRef<HTMLInputElement>(null);
  const files = useFileActions(defaultFileAccess());
  const runs = useRunActions();
  const commands = useCanvasCommands();
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const closeSettings = useCallback(() => setSettingsOpen(false), []);
  const table = useMemo(
    () => createCommands({ files, runs, editor, runsStore, toasts, showTemplates: () => setTemplatesOpen(true), showSettings: () => setSettingsOpen(true) }),
    [files, runs, editor, runsStore, toasts],
  );
  useDocumentSync();
  useValidationSync();
  useRunEvents();
  useSettingsRefresh();
  useFileDrop(files);
  useGlobalShortcuts(table);
  const panels = useLayout((s) => s.panels);
  return (
    <div className="app" style={panelSizes(panels)}>
      <Toolbar
        files={files}
        runs={runs}
        commands={commands}
        table={table}
        openInput={openInput}
        templates={{ open: templatesOpen, setOpen: setTemplatesOpen }}
        settings={{ open: settingsOpen, toggle: () => setSettingsOpen(!settingsOpen) }}
      />
      <div className="banners">
        <ConnectionBanner />
        <RecoveryBanner actions={files} />
      </div>
      {!panels.palette.collapsed && <Palette onAdd={(type) => commands.addNode(type)} />}
      <Splitter panel="palette" />
      <main className="centre">
        <OverviewZoom>
          <Canvas commands={commands} />
        </OverviewZoom>
        <Splitter panel="bottom" />
        {!panels.bottom.collapsed && <BottomPanel />}
      </main>
      <Splitter panel="inspector" />
      {!panels.inspector.collapsed && <Inspector />}
      {settingsOpen && <SettingsView onClose={closeSettings} />}
      <ProvenanceView />
      <Toasts />
    </div>
  );
}

/** The editor: palette left, canvas centre with the run panels below, inspector right. */
export function App() {
  return (
    <ReactFlowProvider>
      <Workspace />
    </ReactFlowProvider>
  );
}
