import { type RefObject, useRef } from 'react';
import type { CanvasCommands } from '../canvas/use-canvas-commands.ts';
import { FileMenu } from '../files/FileMenu.tsx';
import { MenuButton } from '../files/MenuButton.tsx';
import type { FileActions } from '../files/use-file-actions.ts';
import { RunControls } from '../runs/RunControls.tsx';
import type { RunActions } from '../runs/use-run-actions.ts';
import type { CommandTable } from './commands.ts';
import { useHistory, useLayout, useServices } from './services.tsx';
import { withShortcut } from './shortcuts.ts';
import { useOverflowCollapse } from './use-overflow-collapse.ts';

/** An action the toolbar shows as a button when there is room, and in its "⋯" menu when there is not. */
interface SpareAction {
  label: string;
  title: string;
  run(): void;
  disabled?: boolean;
  /** For toggles: whether it is on. */
  pressed?: boolean;
}

function useSpareActions(commands: CanvasCommands, table: CommandTable): SpareAction[] {
  const { layout } = useServices();
  const canUndo = useHistory((s) => s.pastStates.length > 0);
  const canRedo = useHistory((s) => s.futureStates.length > 0);
  const minimap = useLayout((s) => s.minimap);
  return [
    { label: 'Save As…', title: withShortcut('Save the graph under another name', 'saveAs'), run: table['save-as'] },
    { label: '↶ Undo', title: withShortcut('Undo', 'undo'), run: table.undo, disabled: !canUndo },
    { label: '↷ Redo', title: withShortcut('Redo', 'redo'), run: table.redo, disabled: !canRedo },
    { label: 'Auto-layout', title: withShortcut('Arrange the nodes left to right', 'layout'), run: () => void commands.autoLayout() },
    { label: 'Fit', title: withShortcut('Fit the graph in view', 'fitView'), run: commands.fitView },
    { label: 'Minimap', title: 'Show or hide the minimap in the canvas corner', run: () => layout.getState().toggleMinimap(), pressed: minimap },
  ];
}

function SpareButtons({ actions }: { actions: SpareAction[] }) {
  return (
    <div className="toolbar-group">
      {actions.map((a) => (
        <button key={a.label} type="button" onClick={a.run} disabled={a.disabled} title={a.title} aria-pressed={a.pressed}>
          {a.label}
        </button>
      ))}
    </div>
  );
}

function SpareMenu({ actions }: { actions: SpareAction[] }) {
  return (
    <MenuButton label="⋯" title="More actions">
      {(close) =>
        actions.map((a) => (
          <button
            key={a.label}
            type="button"
            className="menu-item"
            role={a.pressed === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={a.pressed}
            disabled={a.disabled}
            title={a.title}
            onClick={() => {
              close();
              a.run();
            }}
          >
            <span>{a.label}</span>
            {a.pressed !== undefined && <span className="muted">{a.pressed ? 'shown' : 'hidden'}</span>}
          </button>
        ))
      }
    </MenuButton>
  );
}

/**
 * File, edit and run actions, the run's status and Settings on one row. When the row does not fit, the less-used
 * actions move into a "⋯" menu and the run's status shortens, so nothing leaves the window.
 */
export function Toolbar({
  files,
  runs,
  commands,
  table,
  openInput,
  templates,
  settings,
}: {
  files: FileActions;
  runs: RunActions;
  commands: CanvasCommands;
  table: CommandTable;
  openInput: RefObject<HTMLInputElement | null>;
  templates: { open: boolean; setOpen(open: boolean): void };
  settings: { open: boolean; toggle(): void };
}) {
  const row = useRef<HTMLElement>(null);
  const collapsed = useOverflowCollapse(row);
  const spare = useSpareActions(commands, table);
  return (
    <header className={collapsed ? 'toolbar collapsed' : 'toolbar'} ref={row}>
      <span className="brand">ReWatch Studio</span>
      <FileMenu actions={files} commands={table} openInput={openInput} templates={templates} />
      {!collapsed && <SpareButtons actions={spare} />}
      <RunControls actions={runs} />
      <div className="toolbar-group toolbar-end">
        {collapsed && <SpareMenu actions={spare} />}
        <button type="button" onClick={settings.toggle} aria-pressed={settings.open} title="Hosts, provider profiles and model servers">
          Settings
        </button>
      </div>
    </header>
  );
}
