import { createStore } from 'zustand/vanilla';

type ToastKind = 'info' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

const SHOW_MS = 8000;

export function createToastStore() {
  let next = 1;
  return createStore<{ toasts: Toast[]; push(kind: ToastKind, text: string): void; dismiss(id: number): void }>()((set, get) => ({
    toasts: [],
    push(kind, text) {
      const id = next++;
      set({ toasts: [...get().toasts.slice(-4), { id, kind, text }] });
      setTimeout(() => get().dismiss(id), SHOW_MS);
    },
    dismiss(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
  }));
}

export type ToastStore = ReturnType<typeof createToastStore>;
