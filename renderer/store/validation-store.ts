import { createStore } from 'zustand/vanilla';
import type { LoadNotice, ValidationError } from '../../main/api/contract.ts';

export interface ValidationState {
  errors: ValidationError[];
  notices: LoadNotice[];
  /** Why the engine could not validate at all (e.g. it is unreachable). */
  failure: string | null;
  set(result: { errors: ValidationError[]; notices: LoadNotice[] }): void;
  fail(message: string): void;
}

export function createValidationStore() {
  return createStore<ValidationState>()((set) => ({
    errors: [],
    notices: [],
    failure: null,
    set: ({ errors, notices }) => set({ errors, notices, failure: null }),
    fail: (failure) => set({ failure }),
  }));
}

export type ValidationStore = ReturnType<typeof createValidationStore>;
