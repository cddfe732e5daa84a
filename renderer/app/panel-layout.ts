import { z } from 'zod';
import { createStore } from 'zustand/vanilla';

/** The panels around the canvas that a splitter resizes and collapses. */
export type PanelId = 'palette' | 'inspector' | 'bottom';

/** Each panel's size in px (width, or height for the bottom panel): the default and the range a splitter keeps to. */
export const PANEL_BOUNDS: Record<PanelId, { initial: number; min: number; max: number }> = {
  palette: { initial: 210, min: 150, max: 420 },
  inspector: { initial: 340, min: 260, max: 720 },
  bottom: { initial: 300, min: 120, max: 900 },
};

const panelSchema = z.object({ size: z.number().finite(), collapsed: z.boolean() });
const layoutSchema = z.object({
  panels: z.object({ palette: panelSchema, inspector: panelSchema, bottom: panelSchema }),
  minimap: z.boolean(),
});
export type PanelLayout = z.infer<typeof layoutSchema>;

export interface PanelLayoutState extends PanelLayout {
  /** Sets a panel's size, kept within its bounds; a resized panel is expanded. */
  resize(panel: PanelId, size: number): void;
  toggle(panel: PanelId): void;
  toggleMinimap(): void;
}

const STORAGE_KEY = 'rewatch.panel-layout';

const clamp = (panel: PanelId, size: number) => Math.round(Math.min(PANEL_BOUNDS[panel].max, Math.max(PANEL_BOUNDS[panel].min, size)));

function defaults(): PanelLayout {
  const panel = (id: PanelId) => ({ size: PANEL_BOUNDS[id].initial, collapsed: false });
  return { panels: { palette: panel('palette'), inspector: panel('inspector'), bottom: panel('bottom') }, minimap: true };
}

/** The layout last stored, with each size brought within its bounds; the defaults when none is stored or it does not parse. */
function restore(storage: Storage): PanelLayout {
  let stored: unknown;
  try {
    stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    return defaults();
  }
  const parsed = layoutSchema.safeParse(stored);
  if (!parsed.success) return defaults();
  const { panels, minimap } = parsed.data;
  const within = (id: PanelId) => ({ ...panels[id], size: clamp(id, panels[id].size) });
  return { panels: { palette: within('palette'), inspector: within('inspector'), bottom: within('bottom') }, minimap };
}

/** Panel sizes, collapsed panels and the minimap's visibility, remembered in `storage` across reloads. */
export function createPanelLayoutStore(storage: Storage) {
  const store = createStore<PanelLayoutState>()((set, get) => {
    const setPanel = (panel: PanelId, change: Partial<PanelLayout['panels'][PanelId]>) =>
      set({ panels: { ...get().panels, [panel]: { ...get().panels[panel], ...change } } });
    return {
      ...restore(storage),
      resize: (panel, size) => setPanel(panel, { size: clamp(panel, size), collapsed: false }),
      toggle: (panel) => setPanel(panel, { collapsed: !get().panels[panel].collapsed }),
      toggleMinimap: () => set({ minimap: !get().minimap }),
    };
  });
  store.subscribe(({ panels, minimap }) => storage.setItem(STORAGE_KEY, JSON.stringify({ panels, minimap })));
  return store;
}

export type PanelLayoutStore = ReturnType<typeof createPanelLayoutStore>;
