/**
 * Progress and counts in the editor (issue 13, item 8), in headless Chromium against the real engine: every running
 * node shows a progress bar — a node consuming a still-running one shows what arrived so far — and its count is shown
 * even when nothing changes after it (a held model); the toolbar's summary of a cancelled run counts exactly the
 * requests the model server received. Screenshots at 1366×768 and 1920×1080 go to test-artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { profile, writeJsonl } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { ARTIFACTS, hasChromium, launchChromium, pageErrors, SCREEN_SIZES, startStudio, type Studio } from './studio.ts';

/** Answered at once; every later request is held until the test ends. */
const ANSWERED = 3;

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const state = (page: Page, id: string) => node(page, id).locator('[data-testid="node-state"]');
const bar = (page: Page, id: string) => node(page, id).locator('[data-testid="node-progress"]');

describe.skipIf(!hasChromium)('progress and counts', () => {
  let llm: ScriptedLlmServer;
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    llm = await startScriptedLlmServer({
      respond: ({ messages }) => {
        const prompt = String(messages.at(-1)!.content);
        const n = Number(/Say (\d+)/.exec(prompt)?.[1]);
        return n <= ANSWERED ? `said ${n}` : held.then(() => `late: ${prompt}`);
      },
    });
    // The profile admits 4 requests at once: with 8 items in flight per node, the rest wait in the client's queue and
    // are cancelled there, never reaching the server.
    // Held requests must stay held however slow the machine: no client timeout, no retries.
    studio = await startStudio([profile('test-llm', llm.baseURL, { maxConcurrency: 4, timeoutMs: 3_600_000, maxRetries: 0 })]);
    const input = writeJsonl(join(studio.dir, 'in.jsonl'), Array.from({ length: 12 }, (_, i) => ({ n: i + 1 })));
    const graphPath = join(studio.dir, 'progress.rewatch.json');
    const ask = (id: string, x: number, prompt: string, outputField: string) => ({
      id,
      type: 'core.llm-map',
      typeVersion: 1,
      position: { x, y: 0 },
      config: { provider: 'test-llm', prompt, outputField, concurrency: 8 },
    });
    writeFileSync(
      graphPath,
      graphFileText({
        format: 'rewatch-studio/graph',
        version: 1,
        name: 'progress',
        nodes: [
          { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
          ask('say', 320, 'Say {{n}}', 'said'),
          ask('check', 640, 'Check {{said}}', 'checked'),
        ],
        edges: [
          { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'say', port: 'items' } },
          { id: 'e2', from: { node: 'say', port: 'items' }, to: { node: 'check', port: 'items' } },
        ],
      }),
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: SCREEN_SIZES[0] })).newPage();
    errors = pageErrors(page);
    await page.goto(studio.url);
    await page.getByTestId('open-file').setInputFiles(graphPath);
    await node(page, 'check').waitFor();
  }, 120_000);

  afterAll(async () => {
    release();
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  it('shows a bar on every running node, what arrived so far downstream, and counts that do not lag', async () => {
    await page.getByRole('button', { name: '▶ Run all' }).click();
    // The answered items are the last change "say" sees: its count must still get out.
    await state(page, 'say').filter({ hasText: `running ${ANSWERED}/12` }).waitFor({ timeout: 60_000 });
    // "check" consumes "say" while it runs: the answered prefix is all it has so far, and the total is not known.
    await state(page, 'check').filter({ hasText: `running 0/${ANSWERED}/?` }).waitFor({ timeout: 60_000 });
    await expect.poll(() => bar(page, 'say').getAttribute('aria-valuenow')).toBe(String(Math.round((ANSWERED / 12) * 100)));
    await expect.poll(() => bar(page, 'check').getAttribute('class')).toContain('growing');
    await expect.poll(() => bar(page, 'check').getAttribute('aria-valuetext')).toBe(`0/${ANSWERED}/?`);
    await expect.poll(() => bar(page, 'src').count()).toBe(0);
    // At 1366 px the toolbar shows the short form; the full one is in the page for wider windows.
    await page.getByTestId('run-status').locator('.run-summary-full').filter({ hasText: /^1 of 3 nodes finished$/ }).waitFor({ state: 'attached' });
    await page.getByTestId('run-status').locator('.run-summary-short').filter({ hasText: /^1\/3 nodes$/ }).waitFor();
    for (const viewport of SCREEN_SIZES) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `progress-running-${viewport.width}x${viewport.height}.png`) });
    }
    await page.setViewportSize(SCREEN_SIZES[0]!);
  });

  it('counts in the toolbar exactly the requests the server received when the run is cancelled', async () => {
    const received = llm.requests.length;
    // 3 answered + 4 held at the server (the profile's limit); the other items never left the client's queue.
    expect(received).toBe(ANSWERED + 4);
    await page.getByRole('button', { name: '■ Cancel' }).click();
    const status = page.getByTestId('run-status').filter({ hasText: /^cancelled/ });
    await status.waitFor({ timeout: 60_000 });
    await expect.poll(() => status.locator('.run-summary-full').textContent()).toMatch(new RegExp(`· ${received} LLM requests$`));
    // Where the toolbar is short of room (1366 px here), the short form says the same count, the full line its tooltip.
    await expect.poll(() => status.locator('.run-summary-short').textContent()).toMatch(new RegExp(`· ${received} requests$`));
    await expect.poll(() => status.getAttribute('title')).toContain(`${received} LLM requests`);
    const cut = await status.locator('.run-summary-short').evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(cut, 'the short summary fits the toolbar at 1366 px').toBe(false);
    expect(llm.requests.length).toBe(received);
    await expect.poll(() => bar(page, 'say').count()).toBe(0);
    for (const viewport of SCREEN_SIZES) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `progress-cancelled-${viewport.width}x${viewport.height}.png`) });
    }
    expect(errors).toEqual([]);
  });
});
