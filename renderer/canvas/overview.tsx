import { type ReactFlowState, useStore } from '@xyflow/react';
import { createContext, type ReactNode } from 'react';

/**
 * Below this zoom a node's 13 px title is drawn under 3 px tall: unreadable, yet text is most of what a frame costs
 * with hundreds of nodes on screen. Nodes there draw as bare boxes of the same size with their handles. Low enough
 * that the templates fitted on a laptop screen (about 0.26) keep their text.
 */
export const OVERVIEW_ZOOM = 0.2;

const isOverviewZoom = (state: ReactFlowState): boolean => state.transform[2] < OVERVIEW_ZOOM;

/** Whether the canvas is zoomed out to the overview. */
export const OverviewContext = createContext(false);

/**
 * Reads the zoom once for every node (inside React Flow's provider, around the canvas): zooming re-renders the nodes
 * only when it crosses the threshold, and the store's per-frame updates pay no selector per node.
 */
export function OverviewZoom({ children }: { children: ReactNode }) {
  return <OverviewContext value={useStore(isOverviewZoom)}>{children}</OverviewContext>;
}
