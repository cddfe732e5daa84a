/**
 * One set of graph rules, and the smaller fixes of the editor, in headless Chromium against the real engine at
 * 1366×768 and 1920×1080: a refused edge gives the verdict the engine's validation gives for the same graph (both from
 * `main/graph/rules.ts`); a prompt's template variables are marked by the engine's pattern and an unknown one fails
 * a try with the engine's message; Video and Segment ports differ in colour; a paste lands clear of the original; an
 * empty required field says "required"; loading another graph drops the previous run's states. Screenshots go to
 * test-artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleGraph } from '../../main/engine/validate.ts';
import { graphFileText } from '../../main/graph/canonical.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { newEdgeProblem, type EdgeRef } from '../../main/graph/rules.ts';
import type { NodeDefinition } from '../../nodes/sdk/index.ts';
import { renderTemplate, TEMPLATE_VARIABLE } from '../../nodes/sdk/template.ts';
import { catalog, profile, writeJsonl } from '../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { shortVideo } from '../support/videos.ts';
import { ARTIFACTS, drag, hasChromium, launchChromium, openEditor, SCREEN_SIZES, type ScreenSize, startStudio, type Studio } from './studio.ts';

/** `{{ topic }}` is a field of every item, `{{colour}}` of none; `{{not a variable}}` is not the engine's pattern. */
const PROMPT = 'Describe {{ topic }} in the {{colour}} style; {{not a variable}} stays as written.';
const TOPICS = ['apples', 'rivers', 'clocks', 'tigers', 'ships', 'bread'];
/** The edge the test draws: a JSON Lines source's records into the segmenter's videos. */
const WRONG_EDGE: EdgeRef = { from: { node: 'src', port: 'items' }, to: { node: 'segment', port: 'videos' } };

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const handle = (page: Page, id: string, kind: 'source' | 'target', port: string) =>
  node(page, id).locator(`.react-flow__handle.${kind}[data-handleid="${port}"]`);
const tryOn = (page: Page) => page.locator('.inspector .try-on');

/** Screenshots the page after checking it does not scroll sideways. */
async function shot(page: Page, name: string): Promise<void> {
  await expect(page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${name}: page width`).resolves.toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

describe.skipIf(!hasChromium)('one set of graph rules, and the smaller fixes, at both screen sizes', () => {
  let llm: ScriptedLlmServer;
  let studio: Studio;
  let browser: Browser;
  let graph: GraphFile;
  let graphPath: string;
  let otherGraphPath: string;
  const errors: string[][] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    llm = await startScriptedLlmServer({ respond: ({ messages }) => `answer to: ${String(messages.at(-1)!.content)}` });
    studio = await startStudio([profile('test-llm', llm.baseURL), profile('segmenter-vlm', llm.baseURL)]);
    const input = writeJsonl(join(studio.dir, 'topics.jsonl'), TOPICS.map((topic, n) => ({ topic, n })));
    const videos = join(studio.dir, 'videos');
    mkdirSync(videos);
    shortVideo(videos);
    graph = {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'details',
      nodes: [
        { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
        { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 320, y: 0 }, config: { provider: 'test-llm', prompt: PROMPT, maxErrorRatio: 1 } },
        { id: 'videos', type: 'rewatch.video-source', typeVersion: 1, position: { x: 0, y: 200 }, config: { folder: videos } },
        { id: 'segment', type: 'rewatch.segmenter', typeVersion: 1, position: { x: 320, y: 200 }, config: {} },
        { id: 'blank', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 400 }, config: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } },
        { id: 'e2', from: { node: 'videos', port: 'videos' }, to: { node: 'segment', port: 'videos' } },
      ],
    };
    graphPath = join(studio.dir, 'details.rewatch.json');
    writeFileSync(graphPath, graphFileText(graph));
    otherGraphPath = join(studio.dir, 'other.rewatch.json');
    writeFileSync(otherGraphPath, graphFileText({ ...graph, name: 'other', nodes: [{ ...graph.nodes[0]!, id: 'other' }], edges: [] }));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
  });

  async function openGraph(size: ScreenSize): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page, errors: logged } = await openEditor(browser, studio.url, size);
    errors.push(logged);
    await page.getByTestId('open-file').setInputFiles(graphPath);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(graph.nodes.length);
    return { context, page };
  }

  /** The engine's validation errors at one node and field of `file`. */
  async function engineErrors(file: GraphFile, nodeId: string, field: string): Promise<string[]> {
    const { errors: found } = await studio.engine.validate(file);
    return found.filter((e) => e.nodeId === nodeId && e.field === field).map((e) => e.message);
  }

  SCREEN_SIZES.forEach((size, sizeIndex) => {
    const tag = `${size.width}x${size.height}`;

    it(`refuses an edge with the engine's verdict for the same graph, and marks and fails template variables as the engine does, at ${tag}`, async () => {
      const { context, page } = await openGraph(size);

      // The verdict both sides derive from the shared rules, for the graph as it is on the canvas.
      const definitions = new Map(graph.nodes.map((n) => [n.id, catalog.lookup(n.type)!] as [string, NodeDefinition]));
      const problem = newEdgeProblem(ruleGraph(graph, definitions), WRONG_EDGE);
      if (problem?.rule !== 'type-mismatch') throw new Error(`expected a type mismatch, the rules say ${JSON.stringify(problem)}`);
      const verdict = `takes ${problem.toType}, but`;
      const gives = `gives ${problem.fromType}`;
      const [engineMessage] = await engineErrors({ ...graph, edges: [...graph.edges, { id: 'wrong', ...WRONG_EDGE }] }, 'segment', 'videos');
      expect(engineMessage).toContain(`input "videos" ${verdict}`);
      expect(engineMessage).toContain(gives);

      await drag(page, handle(page, 'src', 'source', 'items'), handle(page, 'segment', 'target', 'videos'));
      const toast = page.locator('.toast-error').filter({ hasText: verdict });
      await toast.waitFor();
      const refusal = (await toast.textContent())!;
      expect(refusal).toContain(`Input "videos" of Segmenter ${verdict}`);
      expect(refusal).toContain(gives);
      await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(graph.edges.length);
      await page.mouse.move(0, size.height / 2); // off the port, so its tooltip does not hide the edges
      await shot(page, `rules-refused-edge-${tag}`);
      await toast.click();

      // The prompt editor marks exactly what the engine's template pattern matches.
      await node(page, 'ask').click();
      const marked = page.locator('.inspector [data-field="prompt"] .cm-template-var');
      await expect.poll(() => marked.allTextContents()).toEqual([...PROMPT.matchAll(TEMPLATE_VARIABLE)].map((m) => m[0]));

      // A try on a sample fails each item with the message the engine's template rendering gives for it.
      const n = 2 + sizeIndex;
      await tryOn(page).getByRole('spinbutton', { name: 'Items to try' }).fill(String(n));
      await tryOn(page).getByRole('button', { name: `▶ Try on ${n} items` }).click();
      const failures = tryOn(page).locator('.try-failures .item-error');
      await expect.poll(() => failures.count(), { timeout: 60_000 }).toBe(n);
      const inputs = (await tryOn(page).locator('.try-inputs li summary').allTextContents()).map((text) => JSON.parse(text) as Record<string, unknown>);
      expect(inputs).toHaveLength(n);
      const engineFlags = inputs.map((item) => {
        try {
          return renderTemplate(PROMPT, item);
        } catch (error) {
          return (error as Error).message;
        }
      });
      expect(engineFlags.every((flag) => flag.includes('{{colour}}'))).toBe(true);
      await expect.poll(() => failures.locator('.item-error-message').allTextContents()).toEqual(engineFlags);
      expect(llm.requests).toHaveLength(0);
      await failures.first().scrollIntoViewIfNeeded();
      await shot(page, `rules-template-variable-${tag}`);
      await context.close();
    }, 120_000);

    it(`colours Video and Segment ports apart, pastes clear of the original, says "required", and drops the previous run's states at ${tag}`, async () => {
      const { context, page } = await openGraph(size);

      const colour = (id: string, kind: 'source' | 'target', port: string) =>
        handle(page, id, kind, port).evaluate((el) => getComputedStyle(el).backgroundColor);
      const videoOut = await colour('videos', 'source', 'videos');
      await expect(colour('segment', 'target', 'videos'), 'both ends of a Video edge').resolves.toBe(videoOut);
      await expect(colour('segment', 'source', 'segments'), 'Segment against Video').resolves.not.toBe(videoOut);

      // An empty required field reads as the engine's validation words it: "required".
      const [requiredMessage] = await engineErrors(graph, 'blank', 'path');
      expect(requiredMessage).toBe('required');
      await node(page, 'blank').click();
      await expect.poll(() => page.locator('.inspector [data-field="path"] .field-error').textContent()).toBe(requiredMessage);
      await shot(page, `required-field-${tag}`);

      // A pasted node touches neither the original nor any other node.
      await node(page, 'src').click();
      await page.keyboard.press('ControlOrMeta+C');
      await page.keyboard.press('ControlOrMeta+V');
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(graph.nodes.length + 1);
      const ids = await page.locator('.react-flow__node').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')!));
      const pasted = ids.find((id) => !graph.nodes.some((n) => n.id === id))!;
      expect(pasted).toMatch(/^jsonl-source/);
      const pastedBox = (await node(page, pasted).boundingBox())!;
      for (const other of graph.nodes) {
        const box = (await node(page, other.id).boundingBox())!;
        const overlaps =
          pastedBox.x < box.x + box.width && box.x < pastedBox.x + pastedBox.width && pastedBox.y < box.y + box.height && box.y < pastedBox.y + pastedBox.height;
        expect(overlaps, `the pasted ${pasted} over ${other.id}`).toBe(false);
      }
      await shot(page, `paste-${tag}`);

      // A run's states belong to its graph: opening another one shows none of them.
      await node(page, 'videos').click();
      await page.getByRole('button', { name: 'Run to selected', exact: true }).click();
      await page.getByTestId('run-status').filter({ hasText: /^done/ }).waitFor({ timeout: 60_000 });
      await node(page, 'videos').locator('[data-testid="node-state"]').filter({ hasText: /^(done|cached)$/ }).waitFor();
      await page.getByTestId('open-file').setInputFiles(otherGraphPath);
      await node(page, 'other').waitFor();
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(1);
      await expect.poll(() => page.getByTestId('run-status').count()).toBe(0);
      await expect.poll(() => page.locator('[data-testid="node-state"]').count()).toBe(0);
      await shot(page, `other-graph-no-run-states-${tag}`);
      await context.close();
    }, 120_000);
  });

  it('logged no errors in the page', () => {
    expect(errors.flat()).toEqual([]);
  });
});
