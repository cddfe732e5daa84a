/**
 * Following a row to its sources, in headless Chromium against the real engine running the paper's pipeline on a
 * scripted model: from a reward row (Table preview) and from a filter verdict (JSON preview), "Sources" opens one view
 * with the video at the evidence span, the caption lines there, the QA, each filter's verdict with the probes'
 * answers, the question, the trajectory, the CoT, the reward breakdown and the exported rows. Screenshots at
 * 1366×768 and 1920×1080 go to test-artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { paperGraphOnShortVideos } from '../support/paper-graph.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { createScriptedModel, roleProfiles } from '../support/scripted-model.ts';
import { ARTIFACTS, hasChromium, launchChromium, pageErrors, startStudio, type Studio } from './studio.ts';

const view = (page: Page) => page.getByRole('region', { name: 'Provenance' });
const rowsOf = (page: Page, dataType: string) => view(page).locator(`.provenance-row[data-type="${dataType}"]`);

async function openOutput(page: Page, nodeId: string, port: string, kind: string): Promise<void> {
  await page.locator(`.react-flow__node[data-id="${nodeId}"]`).click();
  await page.getByRole('tablist', { name: 'Output ports' }).getByRole('tab', { name: new RegExp(`^${port}`) }).click();
  await page.locator('.output-view .output-bar .tabs.small button', { hasText: kind }).click();
}

async function expectNoPageScroll(page: Page): Promise<void> {
  const m = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight, iw: innerWidth, ih: innerHeight }));
  expect(m.w).toBeLessThanOrEqual(m.iw);
  expect(m.h).toBeLessThanOrEqual(m.ih);
}

describe.skipIf(!hasChromium)('following a row to its sources', () => {
  let studio: Studio;
  let llm: ScriptedLlmServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const model = createScriptedModel();
    llm = await startScriptedLlmServer({ respond: (request) => model.respond(request) });
    studio = await startStudio(roleProfiles(llm.baseURL));
    const pointed = await paperGraphOnShortVideos(studio.dir);
    const graphFile = join(studio.dir, 'paper.rewatch.json');
    writeFileSync(graphFile, graphFileText(pointed));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    errors = pageErrors(page);
    await page.goto(studio.url);
    await page.getByTestId('open-file').setInputFiles(graphFile);
    await page.getByRole('button', { name: '▶ Run all' }).click();
    await page.getByTestId('run-status').filter({ hasText: /^done/ }).waitFor({ timeout: 240_000 });
    for (const toast of await page.locator('.toast').all()) await toast.click();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  it('opens a reward row’s whole story from the Table preview', async () => {
    await openOutput(page, 'reward', 'rewards', 'Table');
    await page.locator('[data-testid="preview-table"] .table-row[data-row="0"]').click();
    await page.locator('.item-detail').getByRole('button', { name: 'Sources' }).click();
    await view(page).waitFor();
    await view(page).locator('.provenance-rows').first().waitFor();

    // The reward, its CoT, trajectory, question and QA, and all three filters' verdicts with their probes' answers.
    await expect.poll(() => rowsOf(page, 'RewardBreakdown').first().textContent()).toMatch(/total [\d.-]+ = r_acc [\d.-]+ × \(1 \+ r_obs [\d.-]+ \+ r_rea [\d.-]+\) \+ r_fmt/);
    await expect.poll(() => view(page).locator('.provenance-row.origin').getAttribute('data-node')).toBe('reward');
    for (const dataType of ['CoT', 'Trajectory', 'QA']) expect(await rowsOf(page, dataType).count(), dataType).toBeGreaterThan(0);
    const verdicts = await rowsOf(page, 'FilterVerdict').allTextContents();
    expect(verdicts.map((v) => /(F[123]) (kept|dropped) · accuracy/.exec(v)?.[1]).sort()).toEqual(['F1', 'F2', 'F3']);
    expect(verdicts.some((v) => /[✓✗] "/.test(v))).toBe(true);
    // The video starts at the evidence span, whose caption lines are listed; the SFT rows it became.
    const src = await view(page).getByTestId('provenance-video').getAttribute('src');
    const span = /#t=([\d.]+),([\d.]+)$/.exec(src ?? '');
    expect(span).not.toBeNull();
    expect(await view(page).getByTestId('provenance-caption').locator('li').count()).toBeGreaterThan(0);
    await expect.poll(() => view(page).locator('h4').first().textContent()).toMatch(/^Caption lines at the evidence, \d+:\d\d–\d+:\d\d$/);
    expect(await view(page).getByTestId('provenance-exported').locator('li').count()).toBeGreaterThan(0);
    await expectNoPageScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'provenance-1366x768-reward.png') });

    await page.setViewportSize({ width: 1920, height: 1080 });
    await expectNoPageScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'provenance-1920x1080-reward.png') });
    await page.keyboard.press('Escape');
    await view(page).waitFor({ state: 'detached' });
  });

  it('says why a question was kept or dropped, from a verdict in the JSON preview', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openOutput(page, 'f2', 'verdicts', 'JSON');
    await page.locator('.json-list-item').first().getByRole('button', { name: 'Sources' }).click();
    const origin = view(page).locator('.provenance-row.origin');
    await origin.waitFor();
    await expect.poll(() => origin.getAttribute('data-node')).toBe('f2');
    await expect.poll(() => origin.textContent()).toMatch(/F2 (kept|dropped) · accuracy \d\.\d\d/);
    // The question it judged, and the other filters' verdicts on it.
    expect(await rowsOf(page, 'QA').count()).toBeGreaterThan(0);
    expect(await rowsOf(page, 'FilterVerdict').count()).toBeGreaterThanOrEqual(2);
    await expectNoPageScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'provenance-1366x768-verdict.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: join(ARTIFACTS, 'provenance-1920x1080-verdict.png') });
    await view(page).getByRole('button', { name: 'Close' }).click();
    await view(page).waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });
});
