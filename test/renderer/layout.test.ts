import { describe, expect, it } from 'vitest';
import type { GraphGroup } from '../../main/graph/format.ts';
import { frameAround, type Rect } from '../../renderer/store/group-frame.ts';
import { groupedLayout, type LayoutNode } from '../../renderer/store/layout.ts';

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;

/** Five stages, one a chain of six: the shape of the paper's pipeline, with sizes that differ. */
function pipeline(): { nodes: LayoutNode[]; edges: { source: string; target: string }[]; groups: GraphGroup[] } {
  const stages = [
    ['v', 's', 'c', 'm'],
    ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'],
    ['r1', 'r2'],
    ['w'],
    ['x1', 'x2', 'x3'],
  ];
  const ids = stages.flat();
  const nodes = ids.map((id, i) => ({ id, width: 220, height: 90 + ((i * 37) % 200) }));
  const edges = ids.slice(1).map((id, i) => ({ source: ids[i]!, target: id }));
  edges.push({ source: 'c', target: 'x3' }, { source: 'q6', target: 'x1' });
  const groups = stages.map((members, i) => ({ id: `g${i}`, title: `Stage ${i}`, nodes: members }));
  return { nodes, edges, groups };
}

function boxes(nodes: readonly LayoutNode[], positions: Map<string, { x: number; y: number }>): Map<string, Rect> {
  return new Map(nodes.map((n) => [n.id, { ...positions.get(n.id)!, width: n.width, height: n.height }]));
}

describe('auto-layout by group', () => {
  it('places every node, none over another, each group inside its own frame and out of every other', async () => {
    const { nodes, edges, groups } = pipeline();
    const loose = { id: 'loose', width: 220, height: 100 };
    const placed = boxes([...nodes, loose], await groupedLayout({ nodes: [...nodes, loose], edges, groups, aspect: 810 / 428 }));
    expect([...placed.keys()].sort()).toEqual([...nodes, loose].map((n) => n.id).sort());
    const all = [...placed.values()];
    for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    const frames = groups.map((g) => frameAround(g.nodes.map((id) => placed.get(id)!))!);
    for (const [i, a] of frames.entries()) for (const b of frames.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    for (const [g, group] of groups.entries()) {
      for (const [id, box] of placed) expect(overlap(box, frames[g]!), `${id} and frame ${group.id}`).toBe(group.nodes.includes(id));
      for (const id of group.nodes) expect(inside(placed.get(id)!, frames[g]!)).toBe(true);
    }
  });

  it('lays a group out along its edges, left to right', async () => {
    const { nodes, edges, groups } = pipeline();
    const placed = boxes(nodes, await groupedLayout({ nodes, edges, groups: [groups[0]!], aspect: 100 }));
    for (const [a, b] of [['v', 's'], ['s', 'c'], ['c', 'm']] as const) expect(placed.get(a)!.x).toBeLessThan(placed.get(b)!.x);
  });

  it('wraps the groups, in order, into rows shaped like the view', async () => {
    const { nodes, edges, groups } = pipeline();
    const extent = async (aspect: number) => {
      const placed = [...boxes(nodes, await groupedLayout({ nodes, edges, groups, aspect })).values()];
      const width = Math.max(...placed.map((b) => b.x + b.width)) - Math.min(...placed.map((b) => b.x));
      const height = Math.max(...placed.map((b) => b.y + b.height)) - Math.min(...placed.map((b) => b.y));
      return { width, height };
    };
    const wide = await extent(8);
    const laptop = await extent(810 / 428);
    const tall = await extent(0.5);
    expect(wide.width / wide.height).toBeGreaterThan(laptop.width / laptop.height);
    expect(laptop.width / laptop.height).toBeGreaterThan(tall.width / tall.height);
    expect(laptop.height).toBeGreaterThan(Math.max(...nodes.map((n) => n.height)) * 2);
  });

  it('gives the same positions for the same graph', async () => {
    const input = { ...pipeline(), aspect: 1.9 };
    expect([...(await groupedLayout(input))]).toEqual([...(await groupedLayout(input))]);
  });
});
