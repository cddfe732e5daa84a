import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Canvas } from '../canvas/Canvas.tsx';
import { type CanvasCommands, useCanvasCommands } from '../canvas/use-canvas-commands.ts';
import { FileMenu } from '../files/FileMenu.tsx';
import { RecoveryBanner } from '../files/RecoveryBanner.tsx';
import { useDocumentSync } from '../files/use-document-sync.ts';
import { defaultFileAccess, useFileActions } from '../files/use-file-actions.ts';
import { useFileDrop } from '../files/use-file-drop.ts';
import { Inspector } from '../inspector/Inspector.tsx';
import { Palette } from '../palette/Palette.tsx';
import { RunControls } from '../runs/RunControls.tsx';
import { useRunActions } from '../runs/use-run-actions.ts';
import { useRunEvents } from '../runs/use-run-events.ts';
import { SettingsView } from '../settings/SettingsView.tsx';
import { BottomPanel } from './BottomPanel.tsx';
import { type CommandTable, createCommands } from './commands.ts';
import { useHistory, useServices } from './services.tsx';
import { withShortcut } from './shortcuts.ts';
import { Toasts } from './Toasts.tsx';
import { useGlobalShortcuts } from './use-global-shortcuts.ts';
import { useValidationSync } from './use-validation-sync.ts';

function EditButtons({ commands, table }: { commands: CanvasCommands; table: CommandTable }) {
  const history = useHistory((s) => s);
  return (
    <div className="toolbar-group">
      <button type="button" onClick={table.undo} disabled={history.pastStates.length === 0} title={withShortcut('Undo', 'undo')}>
        ↶ Undo
      </button>
      <button type="button" onClick={table.redo} disabled={history.futureStates.length === 0} title={withShortcut('Redo', 'redo')}>
        ↷ Redo
      </button>
      <button type="button" onClick={() => void commands.autoLayout()} title={withShortcut('Arrange the nodes left to right', 'layout')}>
        Auto-layout
      </button>
      <button type="button" onClick={commands.fitView} title={withShortcut('Fit the graph in view', 'fitView')}>
        Fit
      </button>
    </div>
  );
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
  useFileDrop(files);
  useGlobalShortcuts(table);
  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">ReWatch Studio</span>
        <FileMenu actions={files} commands={table} openInput={openInput} templates={{ open: templatesOpen, setOpen: setTemplatesOpen }} />
        <EditButtons commands={commands} table={table} />
        <RunControls actions={runs} />
        <div className="toolbar-group toolbar-end">
          <button type="button" onClick={() => setSettingsOpen(!settingsOpen)} aria-pressed={settingsOpen} title="Hosts, provider profiles and model servers">
            Settings
          </button>
        </div>
      </header>
      <RecoveryBanner actions={files} />
      <Palette onAdd={(type) => commands.addNode(type)} />
      <main className="centre">
        <Canvas commands={commands} />
        <BottomPanel />
      </main>
      <Inspector />
      {settingsOpen && <SettingsView onClose={closeSettings} />}
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
