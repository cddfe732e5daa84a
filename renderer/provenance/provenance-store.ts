import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { RowRef } from '../../main/api/contract.ts';

/** The row whose sources are shown, in the run it belongs to; null when the view is closed. */
export type ProvenanceTarget = (RowRef & { runId: string }) | null;

interface ProvenanceState {
  target: ProvenanceTarget;
  open(target: NonNullable<ProvenanceTarget>): void;
  close(): void;
}

/** One per window: any preview opens it, the app shows it over the workspace. */
const store = createStore<ProvenanceState>()((set) => ({
  target: null,
  open: (target) => set({ target }),
  close: () => set({ target: null }),
}));

export function useProvenanceTarget<T>(select: (state: ProvenanceState) => T): T {
  return useStore(store, select);
}
