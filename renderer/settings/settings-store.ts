import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { SettingsInfo } from '../../main/api/contract.ts';
import { useServices } from '../app/services.tsx';
import { useOnReconnect } from '../app/use-connection.ts';

/** The provider profiles and hosts a graph may name, as the engine has them now (Settings edits them). */
export function createSettingsStore(initial: SettingsInfo) {
  return createStore<SettingsInfo>()(() => initial);
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

export const useSettings = <T,>(selector: (settings: SettingsInfo) => T): T => useStore(useServices().settings, selector);

/** Reads the settings again when the engine comes back: it may have restarted with other files. */
export function useSettingsRefresh(): void {
  const { engine, settings } = useServices();
  useOnReconnect(() => {
    engine.settings().then((info) => settings.setState(info, true), () => {});
  });
}
