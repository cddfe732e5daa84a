import { type ReactFlowState, useStore } from '@xyflow/react';
import { type ReactNode, useMemo } from 'react';
import { createPortal } from 'react-dom';

const selectDomNode = (s: ReactFlowState) => s.domNode;

/**
 * Draws its children in the canvas's viewport, in flow coordinates, as xyflow's `ViewportPortal` does. That one looks
 * its target element up with `querySelector` in a store selector (xyflow/xyflow
 * packages/react/src/components/ViewportPortal/index.tsx, commit 9383ba5554894e9fb7d9463b2d858b5b35a97c7b), so on
 * every store update: every frame of a drag. Here the lookup runs when the canvas's element changes.
 */
export function ViewportLayer({ children }: { children: ReactNode }) {
  const domNode = useStore(selectDomNode);
  const target = useMemo(() => domNode?.querySelector('.react-flow__viewport-portal'), [domNode]);
  return target ? createPortal(children, target) : null;
}
