import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { useStore } from 'zustand';
import type { TemporalState } from 'zundo';
import type { EngineApi } from '../../main/api/contract.ts';
import type { HttpEngineClient } from '../api/index.ts';
import type { FileState, FileStore } from '../files/file-store.ts';
import type { RunsState, RunsStore } from '../runs/run-store.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { CatalogIndex } from '../store/catalog-index.ts';
import type { GraphDoc } from '../store/flow-types.ts';
import type { EditorState, EditorStore } from '../store/graph-store.ts';
import type { ValidationState, ValidationStore } from '../store/validation-store.ts';
import type { PanelLayoutState, PanelLayoutStore } from './panel-layout.ts';
import type { ToastStore } from './toast-store.ts';

/** Everything the app's components share: the engine client and the stores. */
export interface Services {
  engine: EngineApi;
  /** Whether the engine is reachable (its event socket is open), and a way to retry now. */
  connection: HttpEngineClient['connection'];
  /** For media URLs, which carry the token in the query. */
  server: { baseUrl: string; token: string };
  catalog: CatalogIndex;
  /** The provider profiles and hosts a graph may name: read at start, then after each edit and reconnection. */
  settings: SettingsStore;
  editor: EditorStore;
  runs: RunsStore;
  validation: ValidationStore;
  files: FileStore;
  toasts: ToastStore;
  /** Panel sizes and what is collapsed or hidden, remembered across reloads. */
  layout: PanelLayoutStore;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

export const useEditor = <T,>(selector: (state: EditorState) => T): T => useStore(useServices().editor, selector);
export const useHistory = <T,>(selector: (state: TemporalState<GraphDoc>) => T): T => useStore(useServices().editor.temporal, selector);
export const useRuns = <T,>(selector: (state: RunsState) => T): T => useStore(useServices().runs, selector);
export const useValidation = <T,>(selector: (state: ValidationState) => T): T => useStore(useServices().validation, selector);
export const useLayout = <T,>(selector: (state: PanelLayoutState) => T): T => useStore(useServices().layout, selector);
export const useFiles = <T,>(selector: (state: FileState) => T): T => useStore(useServices().files, selector);

/** The ids of the selected nodes, as a value that changes only when the selection does. */
export function useSelectedNodeIds(): string[] {
  const key = useEditor((s) => s.nodes.filter((n) => n.selected).map((n) => n.id).join('\n'));
  return useMemo(() => (key ? key.split('\n') : []), [key]);
}
