import { type ReactFlowState, useStore } from '@xyflow/react';
import { memo, useCallback, useMemo } from 'react';
import type { FlowEdge } from '../store/flow-types.ts';
import { type CurveCache, edgeCurves, sameCurves } from './overview-edges.ts';
import { ViewportLayer } from './ViewportLayer.tsx';

const Curve = memo(function Curve({ d, color }: { d: string; color: string }) {
  return <path d={d} stroke={color} />;
});

/**
 * The edges at the overview zoom: a path each in one SVG, behind the nodes. xyflow's own edges are an SVG, a store
 * selector and a stacking context each; with hundreds on screen they cost most of a drag frame. A path per edge
 * rather than one per colour: dragging a node then repaints the area of its own edges, not of every edge. Here edges
 * are neither clicked nor wired (at that zoom a handle is a pixel or two). Memoized: the canvas renders on every
 * frame of a drag, its edges do not change.
 */
export const OverviewEdges = memo(function OverviewEdges({ edges }: { edges: readonly FlowEdge[] }) {
  // Started afresh with each new list of edges, so that removed edges do not stay in it.
  const curves = useMemo((): CurveCache => new Map(), [edges]);
  const drawn = useStore(
    useCallback((s: ReactFlowState) => edgeCurves(s.nodeLookup, edges, curves), [edges, curves]),
    sameCurves,
  );
  return (
    <ViewportLayer>
      <svg className="overview-edges" aria-hidden="true">
        {drawn.map(({ id, d, color }) => (
          <Curve key={id} d={d} color={color} />
        ))}
      </svg>
    </ViewportLayer>
  );
});
