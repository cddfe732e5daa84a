/**
 * Failures you can open, in headless Chromium against the real engine: a node whose model answered prose for some
 * items lists them in its Errors tab with input, error and raw reply; search narrows them; "Retry failed items" with
 * the server fixed asks the model again for those items only, and the node turns done. Screenshots: test-artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { graphFileText } from '../../main/graph/canonical.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { profile, writeJsonl } from '../support/engine-fixture.ts';
import { parseReply } from '../support/parse-reply-node.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { ARTIFACTS, hasChromium, launchChromium, pageErrors, SCREEN_SIZES, startStudio, type Studio } from './studio.ts';


const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const state = (page: Page, id: string) => node(page, id).locator('[data-testid="node-state"]');
const cards = (page: Page) => page.locator('.errors-panel .item-error');

describe.skipIf(!hasChromium)('failures you can open', () => {
  let llm: ScriptedLlmServer;
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let broken = true;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Multiples of 3 get prose instead of JSON until the server is fixed.
    llm = await startScriptedLlmServer({
      respond: ({ messages }) => {
        const n = Number(/Number (\d+)/.exec(String(messages.at(-1)!.content))![1]);
        return broken && n % 3 === 0 ? `Sure! n is ${n}.` : `{"n": ${n}}`;
      },
    });
    studio = await startStudio([profile('test-llm', llm.baseURL)], new NodeCatalog([...nodeDefinitions, parseReply]));
    const input = writeJsonl(join(studio.dir, 'in.jsonl'), [1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    const graphPath = join(studio.dir, 'retry.rewatch.json');
    writeFileSync(
      graphPath,
      graphFileText({
        format: 'rewatch-studio/graph',
        version: 1,
        name: 'retry',
        nodes: [
          { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
          { id: 'parse', type: 'test.parse-reply', typeVersion: 1, position: { x: 320, y: 0 }, config: { provider: 'test-llm' } },
        ],
        edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'parse', port: 'items' } }],
      }),
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: SCREEN_SIZES[0] })).newPage();
    errors = pageErrors(page);
    await page.goto(studio.url);
    await page.getByTestId('open-file').setInputFiles(graphPath);
    await node(page, 'parse').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  it('lists the failed items with input, error and the raw reply', async () => {
    await page.getByRole('button', { name: '▶ Run all' }).click();
    await state(page, 'parse').filter({ hasText: /^failed · 2 errors$/ }).waitFor({ timeout: 30_000 });
    await node(page, 'parse').click();
    await page.getByText('2 failed items: see the Errors tab.').waitFor();
    await page.getByRole('tab', { name: 'Errors' }).click();
    await page.locator('.errors-panel').getByText('2 failed items').waitFor();
    await expect.poll(() => cards(page).count()).toBe(2);
    const third = cards(page).filter({ hasText: 'item 2' });
    await expect.poll(() => third.locator('.item-error-message').textContent()).toContain('the reply is not JSON');
    await expect.poll(() => third.locator('.item-error-raw').textContent()).toBe('Sure! n is 3.');
    await expect.poll(() => third.locator('.json-tree').textContent()).toContain('3');
    await expect.poll(() => third.locator('.item-error-calls').textContent()).toMatch(/request to test-llm \(.+\): 1 attempt/);
    for (const viewport of SCREEN_SIZES) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `errors-tab-${viewport.width}x${viewport.height}.png`) });
    }
    await page.setViewportSize(SCREEN_SIZES[0]!);
  });

  it('narrows the list by a search over errors and replies', async () => {
    await page.getByRole('searchbox', { name: 'Search failed items' }).fill('N IS 6');
    await page.locator('.errors-panel').getByText('1 failed item matching').waitFor();
    await expect.poll(() => cards(page).locator('.item-error-seq').allTextContents()).toEqual(['item 5']);
    await page.getByRole('searchbox', { name: 'Search failed items' }).fill('');
    await page.locator('.errors-panel').getByText('2 failed items').waitFor();
  });

  it('retries the failed items only, asking the fixed server again, and the node turns done', async () => {
    broken = false;
    const before = llm.requests.length;
    await page.getByRole('button', { name: 'Retry failed items' }).click();
    await state(page, 'parse').filter({ hasText: /^done$/ }).waitFor({ timeout: 30_000 });
    await page.getByText('No failed items in this run.').waitFor();
    expect(llm.requests.slice(before).map((r) => String(r.messages.at(-1)!.content)).sort()).toEqual(['Number 3', 'Number 6']);
    for (const viewport of SCREEN_SIZES) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `errors-retried-${viewport.width}x${viewport.height}.png`) });
    }
    expect(errors).toEqual([]);
  });
});
