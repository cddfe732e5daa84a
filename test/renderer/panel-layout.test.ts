import { describe, expect, it } from 'vitest';
import { createPanelLayoutStore, PANEL_BOUNDS } from '../../renderer/app/panel-layout.ts';

function memoryStorage(initial: Record<string, string> = {}): Storage {
  const data = new Map(Object.entries(initial));
  return {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
  };
}

describe('panel layout', () => {
  it('remembers sizes, collapsed panels and the minimap for the next store over the same storage', () => {
    const storage = memoryStorage();
    const first = createPanelLayoutStore(storage);
    first.getState().resize('inspector', 500);
    first.getState().toggle('bottom');
    first.getState().toggleMinimap();
    const next = createPanelLayoutStore(storage).getState();
    expect(next.panels.inspector).toEqual({ size: 500, collapsed: false });
    expect(next.panels.bottom).toEqual({ size: PANEL_BOUNDS.bottom.initial, collapsed: true });
    expect(next.minimap).toBe(false);
  });

  it('keeps sizes within bounds, and resizing a collapsed panel expands it', () => {
    const store = createPanelLayoutStore(memoryStorage());
    store.getState().resize('palette', 10);
    expect(store.getState().panels.palette.size).toBe(PANEL_BOUNDS.palette.min);
    store.getState().toggle('palette');
    store.getState().resize('palette', 5000);
    expect(store.getState().panels.palette).toEqual({ size: PANEL_BOUNDS.palette.max, collapsed: false });
  });

  it('starts from the defaults when the stored layout is not JSON or not a layout, and clamps stored sizes', () => {
    for (const stored of ['{not json', '{"panels":{}}', 'null']) {
      const state = createPanelLayoutStore(memoryStorage({ 'rewatch.panel-layout': stored })).getState();
      expect(state.panels.palette).toEqual({ size: PANEL_BOUNDS.palette.initial, collapsed: false });
      expect(state.minimap).toBe(true);
    }
    const panel = { size: 99_999, collapsed: false };
    const huge = JSON.stringify({ panels: { palette: panel, inspector: panel, bottom: panel }, minimap: true });
    expect(createPanelLayoutStore(memoryStorage({ 'rewatch.panel-layout': huge })).getState().panels.bottom.size).toBe(PANEL_BOUNDS.bottom.max);
  });
});
