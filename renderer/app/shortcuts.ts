/** Keyboard shortcuts: one table for the handlers and the tooltips that show them. */

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl';

export const SHORTCUTS = {
  undo: `${MOD}+Z`,
  redo: `${MOD}+Shift+Z`,
  save: `${MOD}+S`,
  saveAs: `${MOD}+Shift+S`,
  open: `${MOD}+O`,
  copy: `${MOD}+C`,
  paste: `${MOD}+V`,
  duplicate: `${MOD}+D`,
  selectAll: `${MOD}+A`,
  delete: 'Delete',
  layout: 'Shift+L',
  fitView: 'Shift+F',
  addNode: 'double-click the canvas',
  boxSelect: 'Shift+drag',
  runAll: `${MOD}+Enter`,
} as const;

/** `label (shortcut)`, for `title` attributes. */
export function withShortcut(label: string, shortcut: keyof typeof SHORTCUTS): string {
  return `${label} (${SHORTCUTS[shortcut]})`;
}

export function isModKey(event: KeyboardEvent): boolean {
  return isMac ? event.metaKey : event.ctrlKey;
}

/** Text fields and editors keep their own keys (typing, native undo inside the field). */
function isEditableTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Adds a window keydown handler that ignores keys typed into fields; returns the remover. */
export function onShortcutKeys(handle: (event: KeyboardEvent) => boolean): () => void {
  const listener = (event: KeyboardEvent) => {
    if (isEditableTarget(event.target)) return;
    if (handle(event)) event.preventDefault();
  };
  window.addEventListener('keydown', listener);
  return () => window.removeEventListener('keydown', listener);
}
