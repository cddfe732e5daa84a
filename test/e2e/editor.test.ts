/**
 * The editor as a new user meets it, in headless Chromium against the real engine and server and a scripted
 * OpenAI-compatible server: build a pipeline from the palette, get refused a wrong edge, configure it, run it, read
 * its output, undo/redo, save, reload and open the saved file. Screenshots go to test-artifacts/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonl, profile } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { shortVideo } from '../support/videos.ts';
import { ARTIFACTS, centre, drag, hasChromium, launchChromium, pageErrors, spareAction, startStudio, type Studio } from './studio.ts';

/** Matches the scenes of `shortVideo`: red 0–4 s, blue 4–9 s, test pattern 9–12 s. */
const CAPTION_REPLY = '[00:00-00:04] A red screen.\n[00:04-00:09] The screen turns blue.\n[00:09-00:12] A moving test pattern.';
const ROWS = 6;
const PROFILES = ['test-llm', 'segmenter-vlm', 'captioner-vlm'];
/** The other profiles the paper's pipeline template names. */
const TEMPLATE_PROFILES = ['summary-llm', 'qa-llm', 'judge-llm', 'probe-text', 'probe-vlm', 'reasoner-llm', 'observer-llm', 'convert-llm'];

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const handle = (page: Page, id: string, kind: 'source' | 'target', port: string) =>
  node(page, id).locator(`.react-flow__handle.${kind}[data-handleid="${port}"]`);
const state = (page: Page, id: string) => node(page, id).locator('[data-testid="node-state"]');

/**
 * Connects two handles and waits until the canvas holds `edges` edges. A drag that starts before the canvas has
 * measured a node just dropped misses its handle under load: it is dragged again until the edge is there.
 */
async function connect(page: Page, from: Locator, to: Locator, edges: number): Promise<void> {
  const count = () => page.locator('.react-flow__edge').count();
  await expect
    .poll(async () => {
      if ((await count()) < edges) await drag(page, from, to);
      return count();
    })
    .toBe(edges);
}

async function dropFromPalette(page: Page, type: string, at: { x: number; y: number }): Promise<void> {
  await page.dragAndDrop(`[data-node-type="${type}"]`, '.react-flow__pane', { targetPosition: at });
}

async function setField(page: Page, name: string, value: string): Promise<void> {
  const input = page.locator(`.inspector [data-field="${name}"] input`);
  await input.fill(value);
  await input.press('Enter');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

describe.skipIf(!hasChromium)('the editor in a browser', () => {
  let studio: Studio;
  let llm: ScriptedLlmServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let input: string;
  let output: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    llm = await startScriptedLlmServer({
      latencyMs: 400,
      // Text prompts are echoed; the captioner's (frames and text) get three events over the 12 s test video.
      respond: ({ messages }) => {
        const content = messages.at(-1)?.content;
        return typeof content === 'string' ? `echo: ${content}` : CAPTION_REPLY;
      },
    });
    studio = await startStudio([...PROFILES, ...TEMPLATE_PROFILES].map((name) => profile(name, llm.baseURL)));
    input = writeJsonl(join(studio.dir, 'input.jsonl'), Array.from({ length: ROWS }, (_, n) => ({ n, text: `clip ${n}` })));
    output = join(studio.dir, 'out', 'answers.jsonl');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    // "Discard the unsaved changes?" is answered yes wherever a step replaces the graph.
    page.on('dialog', (dialog) => void dialog.accept());
    errors = pageErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  it('opens on an empty canvas with the palette and drops the token from the address bar', async () => {
    await page.goto(studio.url);
    await page.locator('[data-node-type="core.llm-map"]').waitFor();
    expect(page.url()).not.toContain('token');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
  });

  it('builds source → LLM map → export by dragging from the palette and connecting ports', async () => {
    await dropFromPalette(page, 'core.jsonl-source', { x: 140, y: 160 });
    await dropFromPalette(page, 'core.llm-map', { x: 420, y: 160 });
    await dropFromPalette(page, 'core.export', { x: 700, y: 160 });
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);

    await drag(page, handle(page, 'jsonl-source-1', 'source', 'items'), handle(page, 'llm-map-1', 'target', 'items'));
    await drag(page, handle(page, 'llm-map-1', 'source', 'items'), handle(page, 'export-1', 'target', 'items'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
  });

  it('refuses wrong connections and says why', async () => {
    // A filter added from the double-click search box; unconnected, its output carries Any.
    await page.mouse.dblclick(...(Object.values(await centre(page.locator('.react-flow__pane'))) as [number, number]));
    await page.keyboard.type('filter');
    await page.keyboard.press('Enter');
    await node(page, 'filter-1').waitFor();
    await node(page, 'filter-1').hover();
    await page.mouse.down();
    await page.mouse.move(560, 560, { steps: 8 });
    await page.mouse.up();

    await drag(page, handle(page, 'filter-1', 'source', 'kept'), handle(page, 'llm-map-1', 'target', 'items'));
    const refusal = page.locator('.toast-error').filter({ hasText: 'takes Record, but output "kept" of Filter gives Any' });
    await refusal.waitFor();
    await shot(page, '01-refused-connection');

    await drag(page, handle(page, 'jsonl-source-1', 'source', 'items'), handle(page, 'export-1', 'target', 'items'));
    await page.locator('.toast-error').filter({ hasText: 'takes one edge and is already connected to llm-map-1.items' }).waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    await node(page, 'filter-1').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);
  });

  it('sets path, provider and prompt in the inspector, with validation errors shown inline until they are right', async () => {
    await node(page, 'jsonl-source-1').click();
    await page.locator('.inspector [data-field="path"] .field-error').waitFor();
    await setField(page, 'path', input);
    await page.locator('.inspector [data-field="path"].invalid').waitFor({ state: 'detached' });

    await node(page, 'llm-map-1').click();
    await page.locator('.inspector [data-field="provider"] .field-error').filter({ hasText: 'unknown provider profile "default-llm"' }).waitFor();
    await setField(page, 'provider', 'test-llm');
    const prompt = page.locator('.inspector [data-field="prompt"] .cm-content');
    await prompt.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Describe {{text}} briefly.');
    await setField(page, 'outputField', 'answer');
    await expect.poll(() => page.locator('.inspector [data-field="prompt"] .cm-template-var').textContent()).toBe('{{text}}');

    await node(page, 'export-1').click();
    await setField(page, 'path', output);
    await page.getByRole('tab', { name: /Problems/ }).click();
    await page.getByText('No problems: the graph can run.').waitFor();
    await shot(page, '02-configured');
  });

  it('runs the graph and shows the states change to done', async () => {
    const sawRunning = node(page, 'llm-map-1').locator('.gnode[data-state="running"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: '▶ Run all' }).click();
    await sawRunning;
    for (const id of ['jsonl-source-1', 'llm-map-1', 'export-1']) {
      await state(page, id).filter({ hasText: /^done$/ }).waitFor({ timeout: 30_000 });
    }
    await page.getByTestId('run-status').filter({ hasText: 'done' }).waitFor();
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(ROWS);
    expect(llm.requests.map((r) => r.messages.at(-1)?.content).sort()).toEqual(
      Array.from({ length: ROWS }, (_, n) => `Describe clip ${n} briefly.`).sort(),
    );
  });

  it("opens the LLM map's output and sees its rows", async () => {
    await node(page, 'llm-map-1').click();
    await page.getByRole('tab', { name: 'Output' }).click();
    const rows = page.locator('[data-testid="preview-table"] .table-row[data-row]');
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBe(ROWS);
    await expect.poll(() => page.locator('[data-testid="preview-table"] .table-header').textContent()).toContain('answer');
    await page.locator('[data-testid="preview-table"]').getByText('echo: Describe clip 3 briefly.').waitFor();
    await rows.nth(2).click();
    await page.locator('.item-detail').getByText('"echo: Describe clip 2 briefly."').waitFor();
    await shot(page, '03-run-done-with-output');

    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect.poll(() => page.locator('.runs-table tbody tr').count()).toBe(1);
    await page.getByRole('tab', { name: 'Log' }).click();
    await page.getByTestId('run-log').getByText('run done').waitFor();
    await page.getByRole('tab', { name: 'Runs' }).click();
    await shot(page, '04-run-history');
    await page.getByRole('tab', { name: 'Output' }).click();
  });

  it('says whether a node would re-run, and why', async () => {
    await page.getByRole('button', { name: 'Why would this re-run?' }).click();
    await page.getByText('Would come from the cache').waitFor();
    await setField(page, 'outputField', 'reply');
    await page.getByRole('button', { name: 'Why would this re-run?' }).click();
    await page.locator('.why .changes').getByText('outputField').waitFor();
    await page.locator('.inspector-head h2').click(); // out of the field: keys go to the editor, not the input
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => page.locator('.inspector [data-field="outputField"] input').inputValue()).toBe('answer');
  });

  it('runs again with a changed config and compares the two runs of the LLM map', async () => {
    await node(page, 'llm-map-1').click();
    await setField(page, 'outputField', 'reply');
    await page.getByRole('button', { name: '▶ Run all' }).click();
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.locator('.runs-table tbody tr:nth-child(2)').waitFor({ timeout: 30_000 });
    await page.locator('.runs-table tbody tr:first-child .state-done').waitFor({ timeout: 30_000 });
    const compare = page.getByTestId('run-compare');
    await compare.getByText('Compare llm-map-1').waitFor();
    const items = compare.locator('[data-testid="compare-total"][data-label="items"] td');
    await expect.poll(() => items.allTextContents()).toEqual(['6', '6', '']);
    const counts = compare.locator('[data-testid="compare-count"]');
    await counts.first().waitFor();
    for (const row of await counts.all()) await expect.poll(() => row.locator('td').allTextContents()).toEqual(['6', '6', '']);
    await shot(page, '04b-run-compare');
    await page.getByRole('tab', { name: 'Output' }).click();
    await page.locator('.inspector-head h2').click();
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => page.locator('.inspector [data-field="outputField"] input').inputValue()).toBe('answer');
  });

  it('undoes and redoes a deletion with its edge', async () => {
    await node(page, 'export-1').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await page.keyboard.press('ControlOrMeta+Shift+Z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2);
    await spareAction(page, '↶ Undo');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
  });

  let saved = '';

  it('saves, reloads, opens the saved file and gets the same graph back', async () => {
    await page.getByTestId('dirty-marker').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('untitled.rewatch.json');
    const path = join(studio.dir, file.suggestedFilename());
    await file.saveAs(path);
    saved = readFileSync(path, 'utf8');
    const graph = JSON.parse(saved) as { nodes: { id: string; config: Record<string, unknown> }[]; edges: unknown[] };
    expect(graph.nodes.map((n) => n.id)).toEqual(['jsonl-source-1', 'llm-map-1', 'export-1']);
    expect(graph.nodes[1]!.config).toEqual({ provider: 'test-llm', prompt: 'Describe {{text}} briefly.', outputField: 'answer' });
    expect(graph.edges).toHaveLength(2);
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });

    await page.reload();
    await page.locator('[data-node-type="core.llm-map"]').waitFor();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    await page.getByTestId('open-file').setInputFiles(path);
    await node(page, 'export-1').waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await expect.poll(() => page.getByTestId('file-name').textContent()).toBe('untitled.rewatch.json');
    await shot(page, '05-reopened');

    const again = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const second = await again;
    await second.saveAs(join(studio.dir, 'second.json'));
    expect(readFileSync(join(studio.dir, 'second.json'), 'utf8')).toBe(saved);
  });

  it('keeps a node of an unknown type as a placeholder, with its config and edges, and saves it back unchanged', async () => {
    const file = join(studio.dir, 'with-plugin.rewatch.json');
    const text = `${JSON.stringify(
      {
        format: 'rewatch-studio/graph',
        version: 1,
        name: 'with-plugin',
        nodes: [
          { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
          { id: 'magic', type: 'plugin.magic', typeVersion: 2, position: { x: 320, y: 0 }, config: { spell: ['a', 1] } },
        ],
        edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'magic', port: 'in' } }],
      },
      null,
      2,
    )}\n`;
    writeFileSync(file, text);
    await page.getByTestId('open-file').setInputFiles(file);
    await node(page, 'magic').locator('.gnode-missing').waitFor();
    await page.locator('.toast').filter({ hasText: 'node type "plugin.magic" is not installed' }).waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await node(page, 'magic').click();
    await page.locator('.inspector pre').filter({ hasText: '"spell"' }).waitFor();
    await shot(page, '06-unknown-node-kept');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await (await download).saveAs(join(studio.dir, 'with-plugin-saved.json'));
    expect(readFileSync(join(studio.dir, 'with-plugin-saved.json'), 'utf8')).toBe(text);
  });

  it('duplicates with the keyboard clear of the original and lays the graph out', async () => {
    const overlap = async () => {
      const [a, b] = [(await node(page, 'src').boundingBox())!, (await node(page, 'jsonl-source-1').boundingBox())!];
      return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    };
    await node(page, 'src').click();
    await page.keyboard.press('ControlOrMeta+D');
    await node(page, 'jsonl-source-1').waitFor();
    expect(await overlap()).toBe(false);
    await spareAction(page, 'Auto-layout');
    await expect.poll(overlap).toBe(false);
    await page.keyboard.press('ControlOrMeta+Z');
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(2);
  });

  it('builds video source → segmenter → captioner, runs it and plays the caption events on the video', async () => {
    const video = shortVideo(studio.dir);
    // The media route serves the source files a node hashed, by their content hash.
    const hash = createHash('sha256').update(readFileSync(video)).digest('hex');
    await page.getByRole('button', { name: 'New', exact: true }).click();
    // Notices from the earlier steps would cover the canvas's top right: a click dismisses them.
    for (const toast of await page.locator('.toast').all()) await toast.click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);

    await dropFromPalette(page, 'rewatch.video-source', { x: 80, y: 80 });
    await dropFromPalette(page, 'rewatch.segmenter', { x: 360, y: 300 });
    await dropFromPalette(page, 'rewatch.captioner', { x: 620, y: 80 });
    await connect(page, handle(page, 'video-source-1', 'source', 'videos'), handle(page, 'segmenter-1', 'target', 'videos'), 1);
    await connect(page, handle(page, 'segmenter-1', 'source', 'segments'), handle(page, 'captioner-1', 'target', 'segments'), 2);
    await connect(page, handle(page, 'video-source-1', 'source', 'videos'), handle(page, 'captioner-1', 'target', 'videos'), 3);

    await node(page, 'video-source-1').click();
    await page.locator('.inspector [data-field="paths"]').getByRole('button', { name: '+ Add' }).click();
    await page.locator('.inspector [data-field="paths"] input').fill(video);
    await page.locator('.inspector [data-field="paths"] input').press('Enter');
    await page.getByRole('tab', { name: /Problems/ }).click();
    await page.getByText('No problems: the graph can run.').waitFor();

    await page.getByRole('button', { name: '▶ Run all' }).click();
    for (const id of ['video-source-1', 'segmenter-1', 'captioner-1']) {
      await state(page, id).filter({ hasText: /^done$/ }).waitFor({ timeout: 60_000 });
    }

    await node(page, 'captioner-1').click();
    await page.getByRole('tab', { name: 'Output' }).click();
    const events = page.getByTestId('caption-event');
    await events.nth(2).waitFor();
    await expect.poll(() => events.allTextContents()).toEqual(['0:00–0:04 A red screen.', '0:04–0:09 The screen turns blue.', '0:09–0:12 A moving test pattern.']);
    const player = page.getByTestId('caption-video');
    expect(await player.getAttribute('src')).toContain(`/api/media/${hash}?token=`);
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

    await events.nth(1).click();
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBe(4);
    await expect.poll(() => events.nth(1).getAttribute('data-current')).toBe('true');
    await expect.poll(() => events.nth(0).getAttribute('data-current')).toBe('false');
    await shot(page, '07-caption-timeline');
  });

  it("creates the paper's pipeline from a template, offering the settings' providers and hosts", async () => {
    await page.getByRole('button', { name: 'From template ▾' }).click();
    await expect.poll(() => page.locator('.template-item').first().getAttribute('data-template')).toBe('rewatch-r1');
    await page.locator('.template-item[data-template="rewatch-r1"]').click();
    const template = JSON.parse(readFileSync(new URL('../../templates/rewatch-r1.rewatch.json', import.meta.url), 'utf8')) as { nodes: unknown[] };
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(template.nodes.length);
    await page.getByTestId('dirty-marker').waitFor();
    await page.getByRole('tab', { name: /Problems/ }).click();
    await page.getByText('No problems: the graph can run.').waitFor();

    await node(page, 'react').click();
    const reasoner = page.locator('.inspector [data-field="reasoner"]');
    await expect(reasoner.locator('datalist option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).resolves.toEqual(
      [...PROFILES, ...TEMPLATE_PROFILES],
    );
    await expect.poll(() => page.locator('#node-host option').allTextContents()).toEqual(['local']);
    await setField(page, 'reasoner', 'nobody-llm');
    await reasoner.locator('.field-error').filter({ hasText: 'unknown provider profile "nobody-llm"' }).waitFor();
    await shot(page, '08-template-with-unknown-provider');
    await page.locator('.inspector-head h2').click();
    await page.keyboard.press('ControlOrMeta+Z');
    await reasoner.locator('.field-error').waitFor({ state: 'detached' });
  });

  it('logged no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
