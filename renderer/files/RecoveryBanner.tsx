import { useState } from 'react';
import { useServices } from '../app/services.tsx';
import { readGraphText } from './graph-files.ts';
import { dropRecoveryCopy, recoveryCopy } from './local-files.ts';
import type { FileActions } from './use-file-actions.ts';

/** Offers, once at start, the copy of unsaved work kept by the autosave. */
export function RecoveryBanner({ actions }: { actions: FileActions }) {
  const { catalog, toasts } = useServices();
  const [copy, setCopy] = useState(recoveryCopy);
  if (!copy) return null;
  const restore = () => {
    try {
      actions.openUnsaved(readGraphText(copy.text, copy.fileName || 'recovery', catalog).doc, copy.fileName || null);
    } catch (error) {
      toasts.getState().push('error', `Cannot restore: ${(error as Error).message}`);
    }
    setCopy(undefined);
  };
  const discard = () => {
    dropRecoveryCopy();
    setCopy(undefined);
  };
  return (
    <div className="banner" role="alert">
      Unsaved work{copy.fileName ? ` on ${copy.fileName}` : ''} from {new Date(copy.savedAt).toLocaleString()} was kept.
      <button type="button" className="primary" onClick={restore}>
        Restore
      </button>
      <button type="button" onClick={discard}>
        Discard
      </button>
    </div>
  );
}
