import { type RefObject, useEffect, useState } from 'react';
import type { CommandTable } from '../app/commands.ts';
import type { TemplateInfo } from '../../main/api/contract.ts';
import { useFiles, useServices } from '../app/services.tsx';
import { withShortcut } from '../app/shortcuts.ts';
import { isDirty } from './file-store.ts';
import { MenuButton } from './MenuButton.tsx';
import type { RecentEntry } from './desktop-files.ts';
import type { FileActions } from './use-file-actions.ts';

function RecentItems({ actions, close }: { actions: FileActions; close(): void }) {
  const [recent, setRecent] = useState<RecentEntry[]>();
  useEffect(() => {
    actions.recent().then(setRecent, () => setRecent([]));
  }, [actions]);
  if (recent === undefined) return <div className="muted menu-item">loading…</div>;
  if (recent.length === 0) return <div className="muted menu-item">No recent files</div>;
  return recent.map((file) => (
    <button
      key={file.key}
      type="button"
      className="menu-item"
      role="menuitem"
      title={file.detail}
      onClick={() => {
        close();
        void actions.openRecent(file.key);
      }}
    >
      {file.label} <span className="muted">{file.detail}</span>
    </button>
  ));
}

function TemplateItems({ actions, close }: { actions: FileActions; close(): void }) {
  const { engine } = useServices();
  const [templates, setTemplates] = useState<TemplateInfo[] | string>();
  useEffect(() => {
    engine.listTemplates().then(setTemplates, (error: unknown) => setTemplates((error as Error).message));
  }, [engine]);
  if (templates === undefined) return <div className="muted menu-item">loading…</div>;
  if (typeof templates === 'string') return <div className="field-error menu-item">{templates}</div>;
  return templates.map((t) => (
    <button
      key={t.name}
      type="button"
      className="menu-item template-item"
      role="menuitem"
      data-template={t.name}
      title={t.description}
      onClick={() => {
        close();
        void actions.newFromTemplate(t.name);
      }}
    >
      {t.title} <span className="muted">{t.nodeCount} nodes</span>
    </button>
  ));
}

/** New (empty or from a template), open (also by dropping a file on the window), recent, save; and the unsaved marker. Save As is with the toolbar's spare actions. */
export function FileMenu({
  actions,
  commands,
  openInput,
  templates,
}: {
  actions: FileActions;
  commands: CommandTable;
  openInput: RefObject<HTMLInputElement | null>;
  templates: { open: boolean; setOpen(open: boolean): void };
}) {
  const fileName = useFiles((s) => s.fileName);
  const dirty = useFiles(isDirty);
  return (
    <div className="toolbar-group">
      <button type="button" onClick={actions.newGraph} title="New empty graph">
        New
      </button>
      <MenuButton label="From template" title="A new graph from a template (the paper's pipeline first)" state={templates}>
        {(close) => <TemplateItems actions={actions} close={close} />}
      </MenuButton>
      <button type="button" onClick={commands.open} title={withShortcut('Open a graph file (or drop one on the window)', 'open')}>
        Open
      </button>
      <input
        ref={openInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="open-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void actions.openFile(file);
        }}
      />
      <MenuButton label="Recent" title="Recently opened or saved graphs">
        {(close) => <RecentItems actions={actions} close={close} />}
      </MenuButton>
      <button type="button" onClick={commands.save} title={withShortcut(actions.native ? 'Save the graph file' : 'Save (download) the graph file', 'save')}>
        Save
      </button>
      <span className="file-name" data-testid="file-name" title={dirty ? 'Unsaved changes' : 'Saved'}>
        {fileName ?? 'not saved yet'}
        {dirty && <span className="dirty" data-testid="dirty-marker"> ●</span>}
      </span>
    </div>
  );
}
