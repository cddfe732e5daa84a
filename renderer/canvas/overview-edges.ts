import { getBezierPath, type InternalNode, Position } from '@xyflow/react';
import type { FlowEdge } from '../store/flow-types.ts';

/** An edge as the overview draws it: xyflow's default bezier between the handles it measured. */
export interface EdgeCurve {
  id: string;
  color: string;
  /** Where it starts and ends: source x, y, target x, y. */
  ends: readonly [number, number, number, number];
  d: string;
}

/** Each edge's last curve by edge id: during a drag most edges keep their ends, and keep their curve object too. */
export type CurveCache = Map<string, EdgeCurve>;

type HandleKind = 'source' | 'target';

interface HandlePoint {
  x: number;
  y: number;
  position: Position;
}

/** Where an edge meets a handle, in flow coordinates: the middle of the handle's outer side (xyflow's rule). */
function handlePoint(node: InternalNode, kind: HandleKind, port: string): HandlePoint | undefined {
  const handle = node.internals.handleBounds?.[kind]?.find((h) => h.id === port);
  if (!handle) return undefined;
  const { x, y } = node.internals.positionAbsolute;
  return { x: x + handle.x + (handle.position === Position.Right ? handle.width : 0), y: y + handle.y + handle.height / 2, position: handle.position };
}

function curveOf(edge: FlowEdge, source: HandlePoint, target: HandlePoint, cached: EdgeCurve | undefined): EdgeCurve {
  const color = String(edge.style?.stroke ?? '');
  const ends = [source.x, source.y, target.x, target.y] as const;
  if (cached && cached.color === color && cached.ends.every((value, i) => value === ends[i])) return cached;
  const [d] = getBezierPath({
    sourceX: source.x,
    sourceY: source.y,
    sourcePosition: source.position,
    targetX: target.x,
    targetY: target.y,
    targetPosition: target.position,
  });
  return { id: edge.id, color, ends, d };
}

/**
 * The edges' curves, in the edges' order; an edge whose handle is not measured yet is left out, as xyflow leaves it
 * out. A curve whose ends and colour did not change is the cached object itself.
 */
export function edgeCurves(nodeLookup: ReadonlyMap<string, InternalNode>, edges: readonly FlowEdge[], cache: CurveCache = new Map()): EdgeCurve[] {
  const curves: EdgeCurve[] = [];
  for (const edge of edges) {
    const sourceNode = nodeLookup.get(edge.source);
    const targetNode = nodeLookup.get(edge.target);
    const source = sourceNode && handlePoint(sourceNode, 'source', edge.sourceHandle ?? '');
    const target = targetNode && handlePoint(targetNode, 'target', edge.targetHandle ?? '');
    if (!source || !target) continue;
    const curve = curveOf(edge, source, target, cache.get(edge.id));
    cache.set(edge.id, curve);
    curves.push(curve);
  }
  return curves;
}

/** Equal when every curve is the same object: a store update that moved nothing re-renders nothing. */
export function sameCurves(a: readonly EdgeCurve[], b: readonly EdgeCurve[]): boolean {
  return a.length === b.length && a.every((curve, i) => curve === b[i]);
}
