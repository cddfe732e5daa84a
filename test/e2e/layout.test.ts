/**
 * The editor's layout on ordinary screens (1366×768 and 1920×1080), in headless Chromium against the real engine
 * running the paper's pipeline on a scripted model: every output preview stays inside its panel and the page never
 * scrolls; the toolbar keeps every action reachable; the splitters resize (mouse and keyboard), collapse and are
 * remembered across a reload. Screenshots go to test-artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { paperGraphOnShortVideos } from '../support/paper-graph.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { createScriptedModel, roleProfiles } from '../support/scripted-model.ts';
import { ARTIFACTS, hasChromium, launchChromium, openEditor, SCREEN_SIZES, type ScreenSize, spareAction, startStudio, type Studio } from './studio.ts';

/** The actions the toolbar folds into its "⋯" menu when the row does not fit. */
const SPARE_ACTIONS = ['Save As…', '↶ Undo', '↷ Redo', 'Auto-layout', 'Fit', 'Minimap'];
/** The actions always on the row. */
const ROW_ACTIONS = ['New', 'From template ▾', 'Open', 'Recent ▾', 'Save', '▶ Run all', 'Run to selected', 'Re-run from selected', '■ Cancel', 'Settings'];

/** The caption timeline's video was capped at this height before panels could be resized. */
const OLD_CAPTION_VIDEO_HEIGHT = 132;
/** The least the caption video takes at the default bottom panel height, at either size. */
const CAPTION_VIDEO_MIN = { width: 280, height: 120 };

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Asserts the page does not scroll either way and the canvas column ends where the inspector begins. */
async function expectContained(page: Page, what: string): Promise<void> {
  const m = await page.evaluate(() => {
    const box = (selector: string) => {
      const r = document.querySelector(selector)?.getBoundingClientRect();
      return r && { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const root = document.documentElement;
    return {
      scrollWidth: root.scrollWidth,
      scrollHeight: root.scrollHeight,
      width: innerWidth,
      height: innerHeight,
      centre: box('.centre') as Box,
      inspector: box('.inspector') as Box,
      bottom: box('.bottom-panel') as Box,
    };
  });
  expect(m.scrollWidth, `${what}: page width`).toBeLessThanOrEqual(m.width);
  expect(m.scrollHeight, `${what}: page height`).toBeLessThanOrEqual(m.height);
  expect(m.centre.right, `${what}: canvas column reaches under the inspector`).toBeLessThanOrEqual(m.inspector.left);
  expect(m.inspector.right, `${what}: inspector`).toBeLessThanOrEqual(m.width);
  expect(m.bottom.right, `${what}: bottom panel`).toBeLessThanOrEqual(m.inspector.left);
  expect(m.bottom.bottom, `${what}: bottom panel`).toBeLessThanOrEqual(m.height);
}

describe.skipIf(!hasChromium)('the layout on ordinary screens', () => {
  let studio: Studio;
  let llm: ScriptedLlmServer;
  let browser: Browser;
  let graphFile: string;
  let nodeIds: string[];
  /** Each page's console errors and uncaught exceptions. */
  const errors: string[][] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const model = createScriptedModel();
    llm = await startScriptedLlmServer({ respond: (request) => model.respond(request) });
    studio = await startStudio(roleProfiles(llm.baseURL));
    const pointed = await paperGraphOnShortVideos(studio.dir);
    nodeIds = pointed.nodes.map((n) => n.id);
    graphFile = join(studio.dir, 'paper.rewatch.json');
    writeFileSync(graphFile, graphFileText(pointed));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  async function openPage(size: ScreenSize): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page, errors: logged } = await openEditor(browser, studio.url, size);
    errors.push(logged);
    await page.locator('[data-node-type="core.llm-map"]').waitFor();
    return { context, page };
  }

  for (const size of SCREEN_SIZES) {
    const tag = `${size.width}x${size.height}`;

    it(`keeps every output preview of the paper's pipeline inside its panel at ${tag}`, async () => {
      const { context, page } = await openPage(size);
      await page.getByTestId('open-file').setInputFiles(graphFile);
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(nodeIds.length);
      await spareAction(page, 'Minimap');
      await expect.poll(() => page.locator('.react-flow__minimap').count()).toBe(0);
      await page.getByRole('button', { name: '▶ Run all' }).click();
      await page.getByTestId('run-status').filter({ hasText: /^done/ }).waitFor({ timeout: 240_000 });
      for (const toast of await page.locator('.toast').all()) await toast.click();
      await spareAction(page, 'Fit');
      await expectContained(page, `${tag} after the run`);

      for (const id of nodeIds) {
        await node(page, id).click();
        const ports = page.getByRole('tablist', { name: 'Output ports' }).getByRole('tab');
        await ports.first().waitFor();
        for (let p = 0; p < (await ports.count()); p++) {
          await ports.nth(p).click();
          const kinds = page.locator('.output-view .output-bar .tabs.small button');
          for (let k = 0; k < (await kinds.count()); k++) {
            await kinds.nth(k).click();
            await page.locator('.output-view .output-bar > .muted').filter({ hasText: / items? · / }).waitFor();
            const what = `${tag} ${id}.${await ports.nth(p).textContent()} as ${await kinds.nth(k).textContent()}`;
            await expectContained(page, what);
            if (p === 0 && k === 0) await page.screenshot({ path: join(ARTIFACTS, `layout-${tag}-${id}.png`) });
          }
        }
      }

      // The caption timeline's video takes the height the bottom panel gives it, well past the old 132 px cap.
      await node(page, 'caption').click();
      const video = page.getByTestId('caption-video');
      const videoBox = async () => (await video.boundingBox())!;
      const before = await videoBox();
      expect(before.height, `${tag} caption video at the default panel height`).toBeGreaterThanOrEqual(CAPTION_VIDEO_MIN.height);
      expect(before.width, `${tag} caption video width`).toBeGreaterThanOrEqual(CAPTION_VIDEO_MIN.width);
      await page.getByRole('separator', { name: 'Resize the bottom panel' }).focus();
      await page.keyboard.press('End');
      await expect.poll(async () => (await videoBox()).height).toBeGreaterThan(before.height + 100);
      expect((await videoBox()).height, `${tag} caption video in a tall panel`).toBeGreaterThanOrEqual(2 * OLD_CAPTION_VIDEO_HEIGHT);
      await expectContained(page, `${tag} tall bottom panel`);
      await page.screenshot({ path: join(ARTIFACTS, `layout-${tag}-caption-tall.png`) });

      // Another graph replaces the run's states: none of them describe its nodes.
      await page.getByRole('button', { name: 'New', exact: true }).click();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
      await expect.poll(() => page.getByTestId('run-status').count()).toBe(0);
      await page.getByTestId('open-file').setInputFiles(graphFile);
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(nodeIds.length);
      await expect.poll(() => page.locator('[data-testid="node-state"]').count()).toBe(0);
      // Opening a run's own graph shows that run's states on it.
      await page.getByRole('tab', { name: 'Runs' }).click();
      await page.locator('.runs-table tbody tr').first().getByRole('button', { name: 'Open graph' }).click();
      await expect.poll(() => page.locator('[data-testid="node-state"]').count()).toBe(nodeIds.length);
      await context.close();
    }, 300_000);

    it(`keeps every toolbar action reachable at ${tag}, with nothing past the toolbar's edge`, async () => {
      const { context, page } = await openPage(size);
      const toolbar = page.locator('.toolbar');
      const fits = () => toolbar.evaluate((el) => el.scrollWidth <= el.clientWidth);
      await expect(fits()).resolves.toBe(true);
      for (const name of ROW_ACTIONS) {
        const box = (await toolbar.getByRole('button', { name, exact: true }).boundingBox())!;
        expect(box.x + box.width, name).toBeLessThanOrEqual(size.width);
      }
      const more = page.getByRole('button', { name: '⋯ ▾' });
      if (await more.isVisible()) {
        await more.click();
        await page.locator('.menu [role^="menuitem"]').first().waitFor();
        const items = await page.locator('.menu [role^="menuitem"]').allTextContents();
        expect(items.map((t) => t.replace(/(shown|hidden)$/, ''))).toEqual(SPARE_ACTIONS);
        const menu = (await page.locator('.menu').boundingBox())!;
        expect(menu.x + menu.width).toBeLessThanOrEqual(size.width);
        await page.screenshot({ path: join(ARTIFACTS, `toolbar-${tag}-menu.png`) });
        await more.click();
      } else {
        for (const name of SPARE_ACTIONS) await toolbar.getByRole('button', { name, exact: true }).waitFor();
      }
      await page.screenshot({ path: join(ARTIFACTS, `toolbar-${tag}.png`) });
      await context.close();
    }, 60_000);
  }

  it('folds the spare actions into the menu when the window narrows and brings them back when it widens', async () => {
    const { context, page } = await openPage(SCREEN_SIZES[1]);
    const more = page.getByRole('button', { name: '⋯ ▾' });
    const undo = page.locator('.toolbar').getByRole('button', { name: '↶ Undo', exact: true });
    await undo.waitFor();
    await page.setViewportSize(SCREEN_SIZES[0]);
    await more.waitFor();
    await expect.poll(() => undo.count()).toBe(0);
    await page.setViewportSize(SCREEN_SIZES[1]);
    await undo.waitFor();
    await expect.poll(() => more.count()).toBe(0);
    await context.close();
  }, 60_000);

  it('shows a port’s data type in a tooltip on hover and in the inspector’s port list', async () => {
    for (const size of SCREEN_SIZES) {
      const { context, page } = await openPage(size);
      await page.getByTestId('open-file').setInputFiles(graphFile);
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(nodeIds.length);
      const port = node(page, 'segment').locator('.port-out').filter({ hasText: 'segments' });
      const tip = port.getByRole('tooltip');
      await expect.poll(() => tip.isVisible()).toBe(false);
      await port.hover();
      await tip.waitFor();
      await expect.poll(() => tip.locator('.data-type').textContent()).toBe('Segment');
      await page.screenshot({ path: join(ARTIFACTS, `port-tooltip-${size.width}x${size.height}.png`) });
      await node(page, 'segment').click();
      const rows = page.locator('.inspector .port-list tr');
      await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-port'), tr.querySelector('.data-type')?.textContent]))).toEqual([
        ['in:videos', 'Video'],
        ['out:segments', 'Segment'],
      ]);
      await context.close();
    }
  }, 60_000);

  for (const size of SCREEN_SIZES) {
    const tag = `${size.width}x${size.height}`;
    it(`resizes panels by dragging and with the keyboard, collapses and expands them, and remembers it all after a reload at ${tag}`, async () => {
      const { context, page } = await openPage(size);
      const width = (selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().width);
      const height = (selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().height);

      const inspectorBefore = await width('.inspector');
      const handle = page.locator('.splitter[data-panel="inspector"] .splitter-handle');
      const at = (await handle.boundingBox())!;
      await page.mouse.move(at.x + at.width / 2, at.y + 40);
      await page.mouse.down();
      await page.mouse.move(at.x + at.width / 2 - 120, at.y + 40, { steps: 6 });
      await page.mouse.up();
      await expect.poll(() => width('.inspector')).toBe(inspectorBefore + 120);

      const bottomBefore = await height('.bottom-panel');
      const bottomHandle = page.getByRole('separator', { name: 'Resize the bottom panel' });
      await bottomHandle.focus();
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => height('.bottom-panel')).toBe(bottomBefore + 32);

      await page.getByRole('button', { name: 'Collapse the palette' }).click();
      await expect.poll(() => page.locator('.palette').count()).toBe(0);
      const canvasWide = await width('.canvas');
      await expectContained(page, `${tag} palette collapsed`);
      await page.screenshot({ path: join(ARTIFACTS, `panels-${tag}-resized.png`) });

      await page.reload();
      await page.locator('.react-flow__pane').waitFor();
      await expect.poll(() => width('.inspector')).toBe(inspectorBefore + 120);
      await expect(height('.bottom-panel')).resolves.toBe(bottomBefore + 32);
      await expect.poll(() => page.locator('.palette').count()).toBe(0);
      await expect(width('.canvas')).resolves.toBe(canvasWide);

      await page.getByRole('button', { name: 'Expand the palette' }).click();
      await page.locator('.palette').waitFor();
      await page.getByRole('separator', { name: 'Resize the inspector' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.inspector').count()).toBe(0);
      await page.keyboard.press('Enter');
      await expect.poll(() => width('.inspector')).toBe(inspectorBefore + 120);
      await expectContained(page, `${tag} panels expanded again`);
      await context.close();
    }, 60_000);
  }

  it('logged no errors in the page', () => {
    expect(errors.flat()).toEqual([]);
  });
});
