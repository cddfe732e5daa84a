import { type RefObject, useState } from 'react';
import { useFiles } from '../app/services.tsx';
import { withShortcut } from '../app/shortcuts.ts';
import { isDirty } from './file-store.ts';
import { recentFiles } from './local-files.ts';
import type { FileActions } from './use-file-actions.ts';

function RecentMenu({ actions, onClose }: { actions: FileActions; onClose(): void }) {
  const recent = recentFiles();
  return (
    <div className="menu" onMouseLeave={onClose}>
      {recent.length === 0 && <div className="muted menu-item">No recent files</div>}
      {recent.map((file) => (
        <button
          key={file.fileName}
          type="button"
          className="menu-item"
          onClick={() => {
            onClose();
            actions.openText(file.text, file.fileName);
          }}
        >
          {file.fileName} <span className="muted">{new Date(file.savedAt).toLocaleString()}</span>
        </button>
      ))}
    </div>
  );
}

/** New, open (also by dropping a file on the window), recent, save; and the unsaved marker. */
export function FileMenu({ actions, openInput }: { actions: FileActions; openInput: RefObject<HTMLInputElement | null> }) {
  const [recentOpen, setRecentOpen] = useState(false);
  const fileName = useFiles((s) => s.fileName);
  const dirty = useFiles(isDirty);
  return (
    <div className="toolbar-group">
      <button type="button" onClick={actions.newGraph} title="New empty graph">
        New
      </button>
      <button type="button" onClick={() => openInput.current?.click()} title={withShortcut('Open a graph file (or drop one on the window)', 'open')}>
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
      <div className="menu-anchor">
        <button type="button" onClick={() => setRecentOpen(!recentOpen)} title="Recently opened or saved graphs">
          Recent ▾
        </button>
        {recentOpen && <RecentMenu actions={actions} onClose={() => setRecentOpen(false)} />}
      </div>
      <button type="button" onClick={actions.save} title={withShortcut('Save (download) the graph file', 'save')}>
        Save
      </button>
      <span className="file-name" data-testid="file-name" title={dirty ? 'Unsaved changes' : 'Saved'}>
        {fileName ?? 'not saved yet'}
        {dirty && <span className="dirty" data-testid="dirty-marker"> ●</span>}
      </span>
    </div>
  );
}
