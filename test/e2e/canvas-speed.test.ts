/**
 * What the editor does to stay fast with big graphs and outputs, in headless Chromium against the real engine: at the
 * overview zoom nodes draw without text yet keep their size, handles and edges (whether they were first drawn zoomed
 * in or out), and stay draggable; a big output's table asks for its first page once and shows any row it is
 * scrolled to. The speeds themselves are measured by `npm run bench` (bench/editor-canvas.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../main/graph/format.ts';
import { OVERVIEW_ZOOM } from '../../renderer/canvas/overview.tsx';
import { writeJsonl } from '../support/engine-fixture.ts';
import { hasChromium, launchChromium, pageErrors, startStudio, type Studio } from './studio.ts';

const ROWS = 5000;

/** source → filter → export, spread so wide that fitting it in view zooms out past the overview threshold. */
function wideGraph(sourcePath: string): GraphFile {
  const place = (id: string, type: string, x: number, config: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x, y: 0 }, config });
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'wide',
    nodes: [
      place('src', 'core.jsonl-source', 0, { path: sourcePath }),
      place('keep', 'core.filter', 6000, { field: 'n', operator: 'gt', value: 10 }),
      place('out', 'core.export', 12000, { path: '/tmp/never-written.jsonl' }),
    ],
    edges: [
      { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'keep', port: 'items' } },
      { id: 'e2', from: { node: 'keep', port: 'kept' }, to: { node: 'out', port: 'items' } },
    ],
  };
}

interface Geometry {
  zoom: number;
  /** Rendered nodes' sizes in flow units, by id. */
  sizes: Record<string, { width: number; height: number }>;
  /**
   * For each edge end drawn beside its rendered handle: how far (in flow units) the path's end lies from the handle
   * (xyflow's edge path, or at the overview zoom the overview's curve for that edge).
   */
  endGaps: Record<string, number>;
}

/** The rendered nodes' sizes and the gaps between edge ends and their handles, all in flow units. */
async function geometry(page: Page): Promise<Geometry> {
  return page.evaluate(`(() => {
    const viewport = document.querySelector('.react-flow__viewport');
    const [, tx, ty, zoom] = /translate\\(([-\\d.]+)px, ([-\\d.]+)px\\) scale\\(([\\d.]+)\\)/.exec(viewport.style.transform).map(Number);
    const origin = document.querySelector('.react-flow').getBoundingClientRect();
    const sizes = {};
    for (const node of document.querySelectorAll('.react-flow__node')) {
      const box = node.getBoundingClientRect();
      sizes[node.dataset.id] = { width: box.width / zoom, height: box.height / zoom };
    }
    const ends = { e1: [['src', 'items'], ['keep', 'items']], e2: [['keep', 'kept'], ['out', 'items']] };
    const endGaps = {};
    const numbersOf = (d) => d.match(/-?[\\d.]+/g).map(Number);
    // The overview draws each edge as a path of one curve ("M …").
    const overviewCurves = [...document.querySelectorAll('.overview-edges path')].flatMap((path) =>
      path.getAttribute('d').split('M').filter((d) => d.trim()).map(numbersOf));
    const handleEnd = (nodeId, kind, port) => {
      const handle = document.querySelector('.react-flow__node[data-id="' + nodeId + '"] .react-flow__handle.' + kind + '[data-handleid="' + port + '"]');
      if (!handle) return;
      const box = handle.getBoundingClientRect();
      return { x: ((kind === 'source' ? box.right : box.left) - origin.left - tx) / zoom, y: (box.top + box.height / 2 - origin.top - ty) / zoom };
    };
    const distance = (end, x, y) => Math.hypot(end.x - x, end.y - y);
    for (const [id, [[from, fromPort], [to, toPort]]] of Object.entries(ends)) {
      const source = handleEnd(from, 'source', fromPort);
      const target = handleEnd(to, 'target', toPort);
      const path = document.querySelector('.react-flow__edge[data-id="' + id + '"] path.react-flow__edge-path');
      // xyflow's own edge; at the overview, the curve starting nearest the source handle (or ending nearest the
      // target handle when the source node is off screen and not rendered).
      const gapOf = (curve) => (source ? distance(source, curve[0], curve[1]) : distance(target, curve.at(-2), curve.at(-1)));
      const numbers = path ? numbersOf(path.getAttribute('d')) : (source || target) && overviewCurves.sort((a, b) => gapOf(a) - gapOf(b))[0];
      if (!numbers) continue;
      if (source) endGaps[id + ' source'] = distance(source, numbers[0], numbers[1]);
      if (target) endGaps[id + ' target'] = distance(target, numbers.at(-2), numbers.at(-1));
    }
    return { zoom, sizes, endGaps };
  })()`);
}

/** Every edge end drawn beside its handle starts or ends on it (within a flow pixel); at least `ends` of them are drawn. */
function expectEdgesOnHandles(g: Geometry, ends: number): void {
  expect(Object.keys(g.endGaps).length).toBeGreaterThanOrEqual(ends);
  for (const [end, gap] of Object.entries(g.endGaps)) expect(gap, `${end} end on its handle`).toBeLessThan(1);
}

describe.skipIf(!hasChromium)('the editor with big graphs and outputs', () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let graphFile: string;
  let runId: string;
  let errors: string[];

  beforeAll(async () => {
    studio = await startStudio();
    const source = writeJsonl(join(studio.dir, 'rows.jsonl'), Array.from({ length: ROWS }, (_, n) => ({ n, text: `row ${n}` })));
    graphFile = join(studio.dir, 'wide.rewatch.json');
    writeFileSync(graphFile, JSON.stringify(wideGraph(source)));
    ({ runId } = await studio.engine.startRun({ graph: wideGraph(source), until: 'src' }));
    await studio.engine.waitForRun(runId);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    errors = pageErrors(page);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(studio.url);
    await page.locator('[data-node-type="core.filter"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('draws nodes at the overview zoom without text, at their size, with edges on their handles, and drags them', async () => {
    await page.getByTestId('open-file').setInputFiles(graphFile);
    await expect.poll(() => page.locator('.gnode-overview').count()).toBe(3);
    const zoomedOut = await geometry(page);
    expect(zoomedOut.zoom).toBeLessThan(OVERVIEW_ZOOM);
    expect(await page.locator('.react-flow__node .gnode-title').count()).toBe(0);
    expect(await page.locator('.react-flow__node[data-id="keep"] .gnode').getAttribute('title')).toBe('Filter · keep');
    // The edges are the overview's curves, not xyflow's elements.
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    expectEdgesOnHandles(zoomedOut, 4);

    // Opened again while zoomed out: the nodes are first drawn (and measured) in their overview form.
    await page.getByTestId('open-file').setInputFiles(graphFile);
    await expect.poll(() => page.locator('.gnode-overview').count()).toBe(3);
    expectEdgesOnHandles(await geometry(page), 4);

    // Zoomed in on the filter: its full form, the same size, and the edges still on the handles measured zoomed out.
    const keep = (await page.locator('.react-flow__node[data-id="keep"]').boundingBox())!;
    await page.mouse.move(keep.x + keep.width / 2, keep.y + keep.height / 2);
    for (let notch = 0; notch < 40 && (await geometry(page)).zoom < OVERVIEW_ZOOM * 1.5; notch++) await page.mouse.wheel(0, -200);
    await expect.poll(() => page.locator('.react-flow__node[data-id="keep"] .gnode-title').textContent()).toBe('Filter');
    const zoomedIn = await geometry(page);
    expect(zoomedIn.zoom).toBeGreaterThanOrEqual(OVERVIEW_ZOOM);
    expect(Object.keys(zoomedIn.sizes)).toContain('keep');
    for (const [id, size] of Object.entries(zoomedIn.sizes)) {
      expect(size.width, `${id} width`).toBeCloseTo(zoomedOut.sizes[id]!.width, 0);
      expect(size.height, `${id} height`).toBeCloseTo(zoomedOut.sizes[id]!.height, 0);
    }
    expect(await page.locator('.overview-edges').count()).toBe(0);
    expectEdgesOnHandles(zoomedIn, 2); // the filter's: its neighbours are off screen

    // Back at the overview, a node is dragged like any other.
    for (let notch = 0; notch < 40 && (await geometry(page)).zoom >= OVERVIEW_ZOOM; notch++) await page.mouse.wheel(0, 200);
    await expect.poll(() => page.locator('.react-flow__node[data-id="keep"] .gnode-overview').count()).toBe(1);
    const before = (await page.locator('.react-flow__node[data-id="keep"]').boundingBox())!;
    await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width / 2 + 60, before.y + before.height / 2 + 40, { steps: 30 });
    await page.mouse.up();
    const after = (await page.locator('.react-flow__node[data-id="keep"]').boundingBox())!;
    // On screen, give or take the 4-unit snap grid and the first step (xyflow starts a drag once the pointer has moved).
    expect(Math.abs(after.x - before.x - 60)).toBeLessThan(4);
    expect(Math.abs(after.y - before.y - 40)).toBeLessThan(4);
    expectEdgesOnHandles(await geometry(page), 2);
    expect(errors).toEqual([]);
  });

  it("asks for a big output's first page once and shows whichever rows it is scrolled to", async () => {
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/outputs/items')) requests.push(new URL(request.url()).searchParams.get('offset')!);
    });
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.locator('.runs-table tbody tr').filter({ hasText: 'wide' }).getByRole('button', { name: 'Open graph' }).click();
    // The run's states show at the overview zoom too, as the colour of each node's top band, named on hover.
    await expect.poll(() => page.locator('.react-flow__node[data-id="src"] .gnode-overview [data-testid="node-state"]').getAttribute('title')).toBe('done');
    await page.getByRole('tab', { name: 'Output' }).click();
    await page.locator('.react-flow__node[data-id="src"]').click();
    const table = page.getByTestId('preview-table');
    const rowText = async (index: number) => {
      const row = table.locator(`.table-row[data-row="${index}"]`);
      return (await row.count()) ? row.textContent() : null;
    };
    await expect.poll(() => rowText(0)).toContain('row 0');
    expect(await page.locator('.output-view .output-bar').textContent()).toContain(`${ROWS.toLocaleString('en-US')} items`);
    expect(requests).toEqual(['0']);

    await table.evaluate((box) => box.scrollTo(0, box.scrollHeight));
    await expect.poll(() => rowText(ROWS - 1)).toContain(`row ${ROWS - 1}`);
    await table.evaluate((box) => box.scrollTo(0, box.scrollHeight / 2));
    await expect.poll(() => rowText(ROWS / 2)).toContain(`row ${ROWS / 2}`);
    // Only the pages scrolled to: the first, the last, and the middle one (with a neighbour at most).
    expect(requests.length).toBeLessThanOrEqual(5);
    expect(new Set(requests).size).toBe(requests.length);
    expect(errors).toEqual([]);
  });
});
