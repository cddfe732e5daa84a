import { ReactFlowProvider } from '@xyflow/react';
import { useRef } from 'react';
import { Canvas } from '../canvas/Canvas.tsx';
import { type CanvasCommands, useCanvasCommands } from '../canvas/use-canvas-commands.ts';
import { FileMenu } from '../files/FileMenu.tsx';
import { RecoveryBanner } from '../files/RecoveryBanner.tsx';
import { useDocumentSync } from '../files/use-document-sync.ts';
import { useFileActions } from '../files/use-file-actions.ts';
import { useFileDrop } from '../files/use-file-drop.ts';
import { Inspector } from '../inspector/Inspector.tsx';
import { Palette } from '../palette/Palette.tsx';
import { RunControls } from '../runs/RunControls.tsx';
import { useRunActions } from '../runs/use-run-actions.ts';
import { useRunEvents } from '../runs/use-run-events.ts';
import { BottomPanel } from './BottomPanel.tsx';
import { useHistory } from './services.tsx';
import { withShortcut } from './shortcuts.ts';
import { Toasts } from './Toasts.tsx';
import { useGlobalShortcuts } from './use-global-shortcuts.ts';
import { useValidationSync } from './use-validation-sync.ts';

function EditButtons({ commands }: { commands: CanvasCommands }) {
  const history = useHistory((s) => s);
  return (
    <div className="toolbar-group">
      <button type="button" onClick={() => history.undo()} disabled={history.pastStates.length === 0} title={withShortcut('Undo', 'undo')}>
        ↶ Undo
      </button>
      <button type="button" onClick={() => history.redo()} disabled={history.futureStates.length === 0} title={withShortcut('Redo', 'redo')}>
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
  const files = useFileActions();
  const runs = useRunActions();
  const commands = useCanvasCommands();
  const openInput = useRef<HTMLInputElement>(null);
  useDocumentSync();
  useValidationSync();
  useRunEvents();
  useFileDrop(files);
  useGlobalShortcuts(files, runs, openInput);
  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">ReWatch Studio</span>
        <FileMenu actions={files} openInput={openInput} />
        <EditButtons commands={commands} />
        <RunControls actions={runs} />
      </header>
      <RecoveryBanner actions={files} />
      <Palette onAdd={(type) => commands.addNode(type)} />
      <main className="centre">
        <Canvas commands={commands} />
        <BottomPanel />
      </main>
      <Inspector />
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
