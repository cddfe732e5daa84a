/**
 * The prompt-tuning loop in headless Chromium against the real engine: "Try on N items" in the inspector runs an LLM
 * node on a sample and shows its inputs and outputs beside the prompt; an edited prompt asks the model again for the
 * same items only; an unchanged one comes from the cache; a try can be cancelled; the canvas keeps showing no run
 * until the user chooses the try's. Screenshots: test-artifacts/.
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

const TOPICS = ['apples', 'rivers', 'clocks', 'tigers', 'ships', 'bread', 'storms', 'maps'];

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const tryOn = (page: Page) => page.locator('.inspector .try-on');
const outputs = (page: Page) => tryOn(page).locator('.try-outputs li summary');
const userTexts = (requests: ScriptedLlmServer['requests']) => requests.map((r) => String(r.messages.at(-1)!.content)).sort();

/** Screenshots at each viewport, with `focus` scrolled into the inspector's view, after checking nothing overflows. */
async function shoot(page: Page, name: string, focus = tryOn(page)): Promise<void> {
  for (const viewport of SCREEN_SIZES) {
    await page.setViewportSize(viewport);
    await focus.scrollIntoViewIfNeeded();
    await expect(page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).resolves.toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(SCREEN_SIZES[0]!);
}

describe.skipIf(!hasChromium)('try a prompt on a sample from the inspector', () => {
  let llm: ScriptedLlmServer;
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  /** While set, the model answers only once it is released (to cancel a try mid-run). */
  let gate: { arrived: () => void; released: Promise<void> } | undefined;
  let sampled: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    llm = await startScriptedLlmServer({
      respond: async ({ messages }) => {
        const held = gate;
        if (held) {
          held.arrived();
          await held.released;
        }
        const text = String(messages.at(-1)!.content);
        // The parsing node gets JSON for even numbers and prose for odd ones.
        const number = /^Number (\d+)$/.exec(text)?.[1];
        if (number !== undefined) return Number(number) % 2 === 0 ? `{"n": ${number}}` : `Sure! ${number} is odd.`;
        return `answer to: ${text}`;
      },
    });
    studio = await startStudio([profile('test-llm', llm.baseURL)], new NodeCatalog([...nodeDefinitions, parseReply]));
    const input = writeJsonl(join(studio.dir, 'topics.jsonl'), TOPICS.map((topic, n) => ({ topic, n })));
    const graphPath = join(studio.dir, 'tune.rewatch.json');
    writeFileSync(
      graphPath,
      graphFileText({
        format: 'rewatch-studio/graph',
        version: 1,
        name: 'tune',
        nodes: [
          { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
          { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 320, y: 0 }, config: { provider: 'test-llm', prompt: 'Describe {{topic}}.' } },
          { id: 'parse', type: 'test.parse-reply', typeVersion: 1, position: { x: 320, y: 200 }, config: { provider: 'test-llm', maxErrorRatio: 1 } },
        ],
        edges: [
          { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } },
          { id: 'e2', from: { node: 'src', port: 'items' }, to: { node: 'parse', port: 'items' } },
        ],
      }),
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: SCREEN_SIZES[0] })).newPage();
    errors = pageErrors(page);
    await page.goto(studio.url);
    await page.getByTestId('open-file').setInputFiles(graphPath);
    await node(page, 'ask').click();
    await tryOn(page).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  it('tries the node on 3 items and shows their inputs and outputs beside the prompt', async () => {
    await tryOn(page).getByRole('spinbutton', { name: 'Items to try' }).fill('3');
    await tryOn(page).getByRole('button', { name: '▶ Try on 3 items' }).click();
    await tryOn(page).getByRole('status').getByText('ran 3 items').waitFor({ timeout: 30_000 });
    await outputs(page).nth(2).waitFor();
    await expect.poll(() => outputs(page).count()).toBe(3);

    // The model was asked about 3 distinct topics of the source, and each answer is listed.
    expect(llm.requests).toHaveLength(3);
    sampled = llm.requests.map((r) => /^Describe (\w+)\.$/.exec(String(r.messages.at(-1)!.content))![1]!).sort();
    expect(new Set(sampled).size).toBe(3);
    expect(sampled.every((topic) => TOPICS.includes(topic))).toBe(true);
    const shown = await outputs(page).allTextContents();
    expect(shown.map((text) => /answer to: Describe (\w+)\./.exec(text)?.[1]).sort()).toEqual(sampled);
    const inputs = await tryOn(page).locator('.try-inputs li summary').allTextContents();
    expect(inputs.map((text) => (JSON.parse(text) as { topic: string }).topic).sort()).toEqual(sampled);

    // The try sits right after the prompt field, and the canvas still shows no run: the try is not the viewed run.
    await expect.poll(() => page.locator('.inspector [data-field="prompt"] + .try-on').count()).toBe(1);
    await expect.poll(() => node(page, 'ask').locator('[data-testid="node-state"]').count()).toBe(0);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.locator('.runs-table tbody tr').first().locator('.sample-badge').filter({ hasText: 'sample 3' }).waitFor();
    await shoot(page, 'try-on-first');
  });

  it('asks the model again for the same items after the prompt is edited', async () => {
    const before = llm.requests.length;
    await page.locator('.inspector [data-field="prompt"] .cm-content').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Summarize {{topic}} in one line.');
    await tryOn(page).getByRole('button', { name: '▶ Try on 3 items' }).click();
    await tryOn(page).getByRole('status').getByText('ran 3 items').waitFor({ timeout: 30_000 });
    await outputs(page).first().getByText('answer to: Summarize').waitFor();

    expect(userTexts(llm.requests.slice(before))).toEqual(sampled.map((topic) => `Summarize ${topic} in one line.`).sort());
    const shown = await outputs(page).allTextContents();
    expect(shown.map((text) => /answer to: Summarize (\w+) in one line\./.exec(text)?.[1]).sort()).toEqual(sampled);
  });

  it('takes an unchanged try from the cache, asking the model nothing', async () => {
    const before = llm.requests.length;
    const previous = await outputs(page).allTextContents();
    await tryOn(page).getByRole('button', { name: '▶ Try on 3 items' }).click();
    await tryOn(page).getByRole('status').locator('.state-badge.state-cached').filter({ hasText: 'cached' }).waitFor({ timeout: 30_000 });
    await outputs(page).nth(2).waitFor();
    await expect.poll(() => outputs(page).count()).toBe(3);
    await expect.poll(() => outputs(page).allTextContents()).toEqual(previous);
    expect(llm.requests.length).toBe(before);
    await shoot(page, 'try-on-cached');

    // Chosen by the user, the try's run is shown on the canvas.
    await tryOn(page).getByRole('button', { name: 'view on canvas' }).click();
    await node(page, 'ask').locator('[data-testid="node-state"]').filter({ hasText: /^cached$/ }).waitFor();
  });

  it("lists a try's failed items with the reason and the model's raw reply", async () => {
    await node(page, 'parse').click();
    await tryOn(page).getByRole('spinbutton', { name: 'Items to try' }).fill('3');
    const before = llm.requests.length;
    await tryOn(page).getByRole('button', { name: '▶ Try on 3 items' }).click();
    await tryOn(page).getByRole('status').getByText(/^ran 3 items/).waitFor({ timeout: 30_000 });
    const numbers = llm.requests.slice(before).map((r) => Number(/^Number (\d+)$/.exec(String(r.messages.at(-1)!.content))![1]));
    expect(numbers.map((n) => TOPICS[n]).sort()).toEqual(sampled);
    const odd = numbers.filter((n) => n % 2 === 1).sort();
    const failures = tryOn(page).locator('.try-failures .item-error');
    await tryOn(page).locator('.try-results').waitFor();
    await expect.poll(() => failures.count()).toBe(odd.length);
    await expect.poll(() => failures.locator('.item-error-raw').allTextContents()).toEqual(odd.map((n) => `Sure! ${n} is odd.`));
    for (const message of await failures.locator('.item-error-message').allTextContents()) expect(message).toContain('the reply is not JSON');
    await expect.poll(() => outputs(page).allTextContents()).toEqual(numbers.filter((n) => n % 2 === 0).sort().map((n) => `{"n":${n}}`));
    await tryOn(page).getByRole('status').getByText(`· ${odd.length} failed`).waitFor();
    expect(odd.length).toBeGreaterThan(0);
    await shoot(page, 'try-on-failures', failures.first());
    await node(page, 'ask').click();
  });

  it('shows progress while a try runs, and cancels it', async () => {
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    gate = { arrived, released: new Promise<void>((resolve) => (release = resolve)) };
    const before = llm.requests.length;
    await tryOn(page).getByRole('spinbutton', { name: 'Items to try' }).fill('4');
    await tryOn(page).getByRole('button', { name: '▶ Try on 4 items' }).click();
    await first;
    await tryOn(page).getByRole('status').getByText(/^running/).waitFor();
    await expect.poll(() => tryOn(page).getByRole('button', { name: /Try on/ }).count()).toBe(0);
    await tryOn(page).getByRole('button', { name: 'Cancel' }).click();
    await tryOn(page).getByRole('status').getByText(/^cancelled/).waitFor({ timeout: 30_000 });
    gate = undefined;
    release();
    await tryOn(page).getByRole('button', { name: '▶ Try on 4 items' }).waitFor();
    // 4 items with the same seed hold the 3 tried: only the new one reached the model, the rest came from the item cache.
    expect(llm.requests.length - before).toBe(1);
    expect(errors).toEqual([]);
  });
});
