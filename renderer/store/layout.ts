import type { ELK } from 'elkjs/lib/elk-api.js';
import type { GraphGroup } from '../../main/graph/format.ts';
import { FRAME_PADDING, FRAME_TITLE_SPACE } from './group-frame.ts';

let elk: Promise<ELK> | undefined;

/** elkjs is large: it loads the first time a layout is asked for. */
function loadElk(): Promise<ELK> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: Elk }) => new Elk());
  return elk;
}

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutInput {
  nodes: readonly LayoutNode[];
  edges: readonly { source: string; target: string }[];
  /** Stages: each is laid out as a block of its own, framed; nodes in none form one more, unframed block. */
  groups?: readonly GraphGroup[];
  /** Width / height of the view the graph should fill at "Fit": blocks wrap into rows to match it. */
  aspect?: number;
}

type Point = { x: number; y: number };

/** Space between blocks in a row and between rows. */
const BLOCK_GAP = 32;
const WIDESCREEN = 16 / 9;

/** A laid-out block: its nodes' positions relative to its top-left corner, and its outer size (frame included). */
interface Block {
  positions: Map<string, Point>;
  width: number;
  height: number;
}

/**
 * Long chains may wrap into rows of layers at these width / height ratios (`elk.aspectRatio`), or not at all. ELK's
 * SINGLE_EDGE wrapping cuts only between layers joined by one edge, so a stage's chain wraps where it has one thread
 * (eclipse/elk, plugins/org.eclipse.elk.alg.layered/src/org/eclipse/elk/alg/layered/options/WrappingStrategy.java
 * at 9288fa764d49bbbaa998e2fb74392a1298b09d22).
 */
const WRAPPINGS: readonly (number | undefined)[] = [undefined, 1, 1.6];

/** Left-to-right layered positions for one block's nodes, following the edges among them. */
async function layeredBlock(nodes: readonly LayoutNode[], edges: LayoutInput['edges'], framed: boolean, wrapAspect?: number): Promise<Block> {
  const ids = new Set(nodes.map((n) => n.id));
  const result = await (await loadElk()).layout({
    id: 'block',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
      ...(wrapAspect ? { 'elk.layered.wrapping.strategy': 'SINGLE_EDGE', 'elk.aspectRatio': String(wrapAspect) } : {}),
    },
    children: nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  });
  const children = result.children ?? [];
  const left = Math.min(...children.map((c) => c.x ?? 0));
  const top = Math.min(...children.map((c) => c.y ?? 0));
  const inset = framed ? { x: FRAME_PADDING, y: FRAME_TITLE_SPACE } : { x: 0, y: 0 };
  const positions = new Map(children.map((c) => [c.id, { x: (c.x ?? 0) - left + inset.x, y: (c.y ?? 0) - top + inset.y }]));
  const right = Math.max(...nodes.map((n) => positions.get(n.id)!.x + n.width));
  const bottom = Math.max(...nodes.map((n) => positions.get(n.id)!.y + n.height));
  return { positions, width: right + (framed ? FRAME_PADDING : 0), height: bottom + (framed ? FRAME_PADDING : 0) };
}

/** A block's distinct shapes: laid out in one band of layers, or wrapped. */
async function blockShapes(nodes: readonly LayoutNode[], edges: LayoutInput['edges'], framed: boolean): Promise<Block[]> {
  const shapes = await Promise.all(WRAPPINGS.map((aspect) => layeredBlock(nodes, edges, framed, aspect)));
  return shapes.filter((shape, i) => shapes.findIndex((s) => s.width === shape.width && s.height === shape.height) === i);
}

/** Consecutive blocks that fit within `maxWidth` per row (a block wider than that gets a row of its own). */
function rowsWithin(blocks: readonly Block[], maxWidth: number): Block[][] {
  const rows: Block[][] = [];
  let width = Infinity;
  for (const block of blocks) {
    if (width + BLOCK_GAP + block.width > maxWidth) {
      rows.push([]);
      width = -BLOCK_GAP;
    }
    rows.at(-1)!.push(block);
    width += BLOCK_GAP + block.width;
  }
  return rows;
}

const rowWidth = (row: readonly Block[]) => row.reduce((sum, b) => sum + b.width, 0) + BLOCK_GAP * (row.length - 1);
const rowHeight = (row: readonly Block[]) => Math.max(...row.map((b) => b.height));

/** How large "Fit" shows `rows` in a view of `aspect`: the inverse of the extent that limits it. */
function fitScale(rows: readonly Block[][], aspect: number): number {
  const width = Math.max(...rows.map(rowWidth));
  const height = rows.reduce((sum, r) => sum + rowHeight(r), 0) + BLOCK_GAP * (rows.length - 1);
  return 1 / Math.max(width / aspect, height);
}

/** The rows, blocks kept in order, that "Fit" shows largest: every row width a run of consecutive blocks can have is tried. */
function bestRows(blocks: readonly Block[], aspect: number): { rows: Block[][]; scale: number } {
  const candidates = new Set<number>();
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j <= blocks.length; j++) candidates.add(rowWidth(blocks.slice(i, j)));
  }
  let best = { rows: [] as Block[][], scale: 0 };
  for (const maxWidth of [...candidates].sort((a, b) => a - b)) {
    const rows = rowsWithin(blocks, maxWidth);
    const scale = fitScale(rows, aspect);
    if (scale > best.scale) best = { rows, scale };
  }
  return best;
}

/** Every choice of one shape per block (a few shapes for a handful of blocks). */
function* shapeChoices(shapes: readonly Block[][], chosen: Block[] = []): Generator<Block[]> {
  if (chosen.length === shapes.length) {
    yield chosen;
    return;
  }
  for (const shape of shapes[chosen.length]!) yield* shapeChoices(shapes, [...chosen, shape]);
}

/** The shapes and rows that "Fit" shows largest. */
function bestArrangement(shapes: readonly Block[][], aspect: number): Block[][] {
  let best = { rows: [] as Block[][], scale: 0 };
  for (const blocks of shapeChoices(shapes)) {
    const candidate = bestRows(blocks, aspect);
    if (candidate.scale > best.scale) best = candidate;
  }
  return best.rows;
}

/**
 * Positions for every node: each group laid out layered (left to right, long chains possibly wrapped) as a framed
 * block, the ungrouped nodes as one more block, and the blocks wrapped in order into rows: the shapes and rows that
 * fill a view of `aspect` best.
 */
export async function groupedLayout({ nodes, edges, groups = [], aspect = WIDESCREEN }: LayoutInput): Promise<Map<string, Point>> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const grouped = new Set<string>();
  const members: { nodes: LayoutNode[]; framed: boolean }[] = [];
  for (const group of groups) {
    const inGroup = group.nodes.flatMap((id) => (byId.has(id) && !grouped.has(id) ? [byId.get(id)!] : []));
    inGroup.forEach((n) => grouped.add(n.id));
    if (inGroup.length > 0) members.push({ nodes: inGroup, framed: true });
  }
  const rest = nodes.filter((n) => !grouped.has(n.id));
  if (rest.length > 0) members.push({ nodes: rest, framed: false });
  const shapes = await Promise.all(members.map((m) => blockShapes(m.nodes, edges, m.framed)));

  const positions = new Map<string, Point>();
  let y = 0;
  for (const row of bestArrangement(shapes, aspect)) {
    let x = 0;
    for (const block of row) {
      for (const [id, p] of block.positions) positions.set(id, { x: Math.round(x + p.x), y: Math.round(y + p.y) });
      x += block.width + BLOCK_GAP;
    }
    y += rowHeight(row) + BLOCK_GAP;
  }
  return positions;
}

/** The size of a node the canvas has not measured, from its port rows (see `.gnode` in theme.css), rounded up. */
export function estimatedNodeSize(ports: number): { width: number; height: number } {
  return { width: 220, height: 60 + 18 * ports };
}
