import { type ReactFlowState, useStore } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import type { FlowEdge } from '../store/flow-types.ts';
import { type CurveCache, edgeStrokes, sameStrokes } from './overview-edges.ts';
import { ViewportLayer } from './ViewportLayer.tsx';

/**
 * The edges at the overview zoom: one path per colour in one SVG, behind the nodes. xyflow's own edges are an SVG,
 * a store selector and a stacking context each; with hundreds on screen they cost most of a drag frame. Here edges
 * are neither clicked nor wired (at that zoom a handle is a pixel or two).
 */
export function OverviewEdges({ edges }: { edges: readonly FlowEdge[] }) {
  // Started afresh with each new list of edges, so that removed edges do not stay in it.
  const curves = useMemo((): CurveCache => new Map(), [edges]);
  const strokes = useStore(
    useCallback((s: ReactFlowState) => edgeStrokes(s.nodeLookup, edges, curves), [edges, curves]),
    sameStrokes,
  );
  return (
    <ViewportLayer>
      <svg className="overview-edges" aria-hidden="true">
        {strokes.map(({ color, d }) => (
          <path key={color} d={d} stroke={color} />
        ))}
      </svg>
    </ViewportLayer>
  );
}
