import { type InternalNode, Position } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { type CurveCache, type EdgeCurve, edgeCurves, sameCurves } from '../../renderer/canvas/overview-edges.ts';
import type { FlowEdge } from '../../renderer/store/flow-types.ts';

/** A measured node at (x, y), 200 wide, with an input handle `items` on its left and outputs on its right. */
function measured(id: string, x: number, y: number, outputs: readonly string[]): InternalNode {
  const handle = (port: string, type: 'source' | 'target', row: number) => ({
    id: port,
    type,
    nodeId: id,
    position: type === 'source' ? Position.Right : Position.Left,
    x: type === 'source' ? 195 : -5,
    y: 50 + row * 17,
    width: 10,
    height: 10,
  });
  return {
    id,
    position: { x, y },
    data: {},
    measured: { width: 200, height: 100 },
    internals: {
      positionAbsolute: { x, y },
      z: 0,
      userNode: { id, position: { x, y }, data: {} },
      handleBounds: { target: [handle('items', 'target', 0)], source: outputs.map((port, row) => handle(port, 'source', row)) },
    },
  };
}

const edge = (id: string, source: string, sourceHandle: string, target: string, stroke: string): FlowEdge => ({
  id,
  source,
  sourceHandle,
  target,
  targetHandle: 'items',
  style: { stroke },
  data: { extra: {} },
});

/** Each curve's id, colour, first and last points (read from its path, as drawn). */
function drawn(curves: readonly EdgeCurve[]): [string, string, number, number, number, number][] {
  return curves.map(({ id, color, d }) => {
    const numbers = d.match(/-?[\d.]+/g)!.map(Number);
    return [id, color, numbers[0]!, numbers[1]!, numbers.at(-2)!, numbers.at(-1)!];
  });
}

describe('the overview edges', () => {
  const nodes = new Map([
    ['a', measured('a', 0, 0, ['kept', 'dropped'])],
    ['b', measured('b', 400, 0, [])],
    ['c', measured('c', 400, 300, [])],
  ]);

  it('draws each edge in its colour from the middle of its source handle’s right side to its target handle’s left side', () => {
    const curves = edgeCurves(nodes, [edge('e1', 'a', 'kept', 'b', 'red'), edge('e2', 'a', 'dropped', 'c', 'red'), edge('e3', 'a', 'kept', 'c', 'blue')]);
    expect(drawn(curves)).toEqual([
      ['e1', 'red', 205, 55, 395, 55],
      ['e2', 'red', 205, 72, 395, 355],
      ['e3', 'blue', 205, 55, 395, 355],
    ]);
  });

  it('follows a node that moved and leaves out an edge whose handle is not measured', () => {
    const moved = new Map(nodes);
    moved.set('b', measured('b', 600, 40, []));
    const curves = edgeCurves(moved, [edge('e1', 'a', 'kept', 'b', 'red'), edge('e2', 'a', 'nowhere', 'c', 'red'), edge('e3', 'a', 'kept', 'gone', 'red')]);
    expect(drawn(curves)).toEqual([['e1', 'red', 205, 55, 595, 95]]);
  });

  it('keeps the curve objects of edges whose ends did not move, drawing the same paths as without a cache', () => {
    const edges = [edge('e1', 'a', 'kept', 'b', 'red'), edge('e2', 'a', 'dropped', 'c', 'red')];
    const cache: CurveCache = new Map();
    const [first, second] = edgeCurves(nodes, edges, cache);
    const moved = new Map(nodes);
    moved.set('c', measured('c', 420, 320, []));
    const again = edgeCurves(moved, edges, cache);
    expect(again).toEqual(edgeCurves(moved, edges));
    expect(again[0]).toBe(first);
    expect(again[1]).not.toBe(second);
    expect(sameCurves(again, edgeCurves(moved, edges, cache))).toBe(true);
    expect(sameCurves(again, [first!, second!])).toBe(false);
  });
});
