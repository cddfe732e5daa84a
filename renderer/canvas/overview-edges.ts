import { getBezierPath, type InternalNode, Position } from '@xyflow/react';
import type { FlowEdge } from '../store/flow-types.ts';

/** Every edge of one colour as a single SVG path: what the overview draws instead of an element per edge. */
export interface EdgeStroke {
  color: string;
  d: string;
}

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

interface Curve {
  ends: readonly [number, number, number, number];
  d: string;
}

/** Each edge's last curve by edge id: during a drag most edges keep their ends, and their path is not built again. */
export type CurveCache = Map<string, Curve>;

function curveBetween(source: HandlePoint, target: HandlePoint, cached: Curve | undefined): Curve {
  const ends = [source.x, source.y, target.x, target.y] as const;
  if (cached && cached.ends.every((value, i) => value === ends[i])) return cached;
  const [d] = getBezierPath({
    sourceX: source.x,
    sourceY: source.y,
    sourcePosition: source.position,
    targetX: target.x,
    targetY: target.y,
    targetPosition: target.position,
  });
  return { ends, d };
}

/**
 * The edges grouped by stroke colour, each drawn as xyflow's default bezier between the handles it measured; an
 * edge whose handle is not measured yet is left out, as xyflow leaves it out.
 */
export function edgeStrokes(nodeLookup: ReadonlyMap<string, InternalNode>, edges: readonly FlowEdge[], cache: CurveCache = new Map()): EdgeStroke[] {
  const byColor = new Map<string, string[]>();
  for (const edge of edges) {
    const sourceNode = nodeLookup.get(edge.source);
    const targetNode = nodeLookup.get(edge.target);
    const source = sourceNode && handlePoint(sourceNode, 'source', edge.sourceHandle ?? '');
    const target = targetNode && handlePoint(targetNode, 'target', edge.targetHandle ?? '');
    if (!source || !target) continue;
    const curve = curveBetween(source, target, cache.get(edge.id));
    cache.set(edge.id, curve);
    const color = String(edge.style?.stroke ?? '');
    const paths = byColor.get(color) ?? [];
    paths.push(curve.d);
    byColor.set(color, paths);
  }
  return [...byColor].map(([color, paths]) => ({ color, d: paths.join(' ') }));
}

/** Equal when every colour draws the same path: a store update that moved nothing re-renders nothing. */
export function sameStrokes(a: readonly EdgeStroke[], b: readonly EdgeStroke[]): boolean {
  return a.length === b.length && a.every((stroke, i) => stroke.color === b[i]!.color && stroke.d === b[i]!.d);
}
