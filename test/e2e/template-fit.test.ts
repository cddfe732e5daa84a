/**
 * The paper's template at "Fit" on ordinary screens, in headless Chromium against the real engine: its stages are
 * framed and titled groups over several rows, no node overlaps another or leaves the canvas, and every node title is
 * readable (at least 10 px on screen); "Auto-layout" puts a scrambled graph back into its groups the same way.
 * Screenshots at 1366×768 and 1920×1080 go to test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../main/graph/format.ts';
import { ARTIFACTS, hasChromium, launchChromium, openEditor, SCREEN_SIZES, spareAction, startStudio, type Studio } from './studio.ts';

/** The smallest on-screen size of a node title that reads comfortably. */
const READABLE_PX = 10;
const template = JSON.parse(readFileSync(new URL('../../templates/rewatch-r1.rewatch.json', import.meta.url), 'utf8')) as GraphFile;

interface Box {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Measured {
  zoom: number;
  canvas: Box;
  nodes: Box[];
  frames: (Box & { title: string })[];
  /** Per node: the on-screen size of the title shown, and whether its text fits its box. */
  titles: { id: string; px: number; fits: boolean; text: string }[];
  groupTitlePx: number[];
}

async function measure(page: Page): Promise<Measured> {
  return page.evaluate(() => {
    const box = (id: string, e: Element) => {
      const r = e.getBoundingClientRect();
      return { id, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const transform = getComputedStyle(document.querySelector('.react-flow__viewport')!).transform;
    const zoom = new DOMMatrixReadOnly(transform).a;
    const nodes = [...document.querySelectorAll('.react-flow__node')];
    const visibleTitle = (node: Element) => {
      const far = node.querySelector<HTMLElement>('.gnode-far-title')!;
      return getComputedStyle(far).display === 'none' ? node.querySelector<HTMLElement>('.gnode-title')! : far;
    };
    return {
      zoom,
      canvas: box('canvas', document.querySelector('.react-flow')!),
      nodes: nodes.map((n) => box(n.getAttribute('data-id')!, n)),
      frames: [...document.querySelectorAll('.group-frame')].map((f) => ({
        ...box(f.getAttribute('data-group')!, f),
        title: f.querySelector('.group-frame-title')!.textContent!,
      })),
      titles: nodes.map((n) => {
        const title = visibleTitle(n);
        return {
          id: n.getAttribute('data-id')!,
          px: parseFloat(getComputedStyle(title).fontSize) * zoom,
          fits: title.scrollHeight <= title.clientHeight + 1 && title.scrollWidth <= title.clientWidth + 1,
          text: title.textContent!,
        };
      }),
      groupTitlePx: [...document.querySelectorAll('.group-frame-title')].map((t) => t.getBoundingClientRect().height),
    };
  });
}

const overlap = (a: Box, b: Box) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
const inside = (a: Box, b: Box) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;

function expectReadableGroupedLayout(m: Measured, what: string): void {
  expect(m.nodes.map((n) => n.id).sort(), what).toEqual(template.nodes.map((n) => n.id).sort());
  for (const n of m.nodes) expect(inside(n, m.canvas), `${what}: ${n.id} inside the canvas`).toBe(true);
  for (const [i, a] of m.nodes.entries()) {
    for (const b of m.nodes.slice(i + 1)) expect(overlap(a, b), `${what}: ${a.id} overlaps ${b.id}`).toBe(false);
  }
  for (const t of m.titles) {
    expect(t.px, `${what}: ${t.id}'s title "${t.text}" on screen`).toBeGreaterThanOrEqual(READABLE_PX);
    expect(t.fits, `${what}: ${t.id}'s title "${t.text}" is cut`).toBe(true);
  }
  // One frame per stage, titled, around exactly its members, apart from the others, over more than one row.
  expect(m.frames.map((f) => f.title)).toEqual(template.groups!.map((g) => g.title));
  for (const group of template.groups!) {
    const frame = m.frames.find((f) => f.id === group.id)!;
    for (const n of m.nodes) expect(inside(n, frame), `${what}: ${n.id} in frame ${group.id}`).toBe(group.nodes.includes(n.id));
  }
  for (const [i, a] of m.frames.entries()) {
    for (const b of m.frames.slice(i + 1)) expect(overlap(a, b), `${what}: frame ${a.id} overlaps ${b.id}`).toBe(false);
  }
  expect(new Set(m.frames.map((f) => Math.round(f.top))).size, `${what}: rows of groups`).toBeGreaterThan(1);
  for (const px of m.groupTitlePx) expect(px, `${what}: group title height`).toBeGreaterThanOrEqual(12);
}

describe.skipIf(!hasChromium)("the paper's template at Fit", () => {
  let studio: Studio;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    studio = await startStudio();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  for (const size of SCREEN_SIZES) {
    const tag = `${size.width}x${size.height}`;

    it(`shows the stages as framed groups with readable titles at ${tag}, and auto-layout restores them`, async () => {
      const { context, page, errors } = await openEditor(browser, studio.url, size);
      await page.getByRole('button', { name: 'From template ▾' }).click();
      await page.locator('.template-item[data-template="rewatch-r1"]').click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(template.nodes.length);
      await spareAction(page, 'Fit');
      await expect.poll(async () => (await measure(page)).frames.length).toBe(template.groups!.length);
      // Fit animates: measure once the zoom has settled.
      await expect.poll(async () => {
        const a = (await measure(page)).zoom;
        await page.evaluate(() => new Promise(requestAnimationFrame));
        return a === (await measure(page)).zoom;
      }).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `template-fit-${tag}.png`) });
      expectReadableGroupedLayout(await measure(page), `${tag} template`);

      // Scramble: every node dragged onto one spot, then Auto-layout puts them back into their groups.
      const pile = await page.locator('.react-flow').boundingBox();
      for (const id of ['report', 'f2', 'react', 'videos']) {
        const title = page.locator(`.react-flow__node[data-id="${id}"]`);
        const from = (await title.boundingBox())!;
        await page.mouse.move(from.x + from.width / 2, from.y + 10);
        await page.mouse.down();
        await page.mouse.move(pile!.x + pile!.width / 2, pile!.y + pile!.height / 2, { steps: 8 });
        await page.mouse.up();
      }
      const scrambled = await measure(page);
      expect(scrambled.nodes.some((a, i) => scrambled.nodes.slice(i + 1).some((b) => overlap(a, b)))).toBe(true);
      await spareAction(page, 'Auto-layout');
      await expect.poll(async () => {
        const m = await measure(page);
        return m.nodes.some((a, i) => m.nodes.slice(i + 1).some((b) => overlap(a, b)));
      }).toBe(false);
      await spareAction(page, 'Fit');
      await expect.poll(async () => {
        const a = (await measure(page)).zoom;
        await page.evaluate(() => new Promise(requestAnimationFrame));
        return a === (await measure(page)).zoom;
      }).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `template-auto-layout-${tag}.png`) });
      expectReadableGroupedLayout(await measure(page), `${tag} after auto-layout`);
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
