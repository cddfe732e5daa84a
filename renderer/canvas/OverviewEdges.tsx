import { type ReactFlowState, useStore, ViewportPortal } from '@xyflow/react';
import { useCallback } from 'react';
import type { FlowEdge } from '../store/flow-types.ts';
import { edgeStrokes, sameStrokes } from './overview-edges.ts';

/**
 * The edges at the overview zoom: one path per colour in one SVG, behind the nodes. xyflow's own edges are an SVG,
 * a store selector and a stacking context each; with hundreds on screen they cost most of a drag frame. Here edges
 * are neither clicked nor wired (at that zoom a handle is a pixel or two).
 */
export function OverviewEdges({ edges }: { edges: readonly FlowEdge[] }) {
  const strokes = useStore(
    useCallback((s: ReactFlowState) => edgeStrokes(s.nodeLookup, edges), [edges]),
    sameStrokes,
  );
  return (
    <ViewportPortal>
      <svg className="overview-edges" aria-hidden="true">
        {strokes.map(({ color, d }) => (
          <path key={color} d={d} stroke={color} />
        ))}
      </svg>
    </ViewportPortal>
  );
}
