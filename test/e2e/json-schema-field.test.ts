/**
 * The JSON Schema config field (`x-kind: json-schema`) in headless Chromium against the real engine: a JSON editor
 * that highlights, marks where the JSON breaks, checks the schema with the engine's ajv compile as it is typed, and
 * stores it so that the engine's validation agrees. Screenshots at 1366×768 and 1920×1080 go to test-artifacts/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { emptyGraph } from '../../main/graph/format.ts';
import { profile, writeJsonl } from '../support/engine-fixture.ts';
import { ARTIFACTS, hasChromium, launchChromium, openEditor, SCREEN_SIZES, startStudio, type Studio } from './studio.ts';


const field = (page: Page) => page.locator('.inspector [data-field="jsonSchema"]');

/** Replaces the editor's text as a user would: select all, type, leave the field. */
async function typeSchema(page: Page, text: string): Promise<void> {
  const content = field(page).locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function leaveField(page: Page): Promise<void> {
  await page.locator('.inspector [data-field="outputField"] input').click();
}

describe.skipIf(!hasChromium)('the JSON Schema field', () => {
  let studio: Studio;
  let browser: Browser;
  let graphFile: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The profile is only named: nothing is run, so no server answers it.
    studio = await startStudio([profile('judge-llm', 'http://127.0.0.1:9/v1')]);
    const input = writeJsonl(join(studio.dir, 'input.jsonl'), [{ text: 'a clip' }]);
    graphFile = join(studio.dir, 'schema.rewatch.json');
    const graph = emptyGraph('JSON Schema field');
    graph.nodes.push(
      { id: 'rows', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 320, y: 0 }, config: { provider: 'judge-llm' } },
    );
    graph.edges.push({ id: 'e1', from: { node: 'rows', port: 'items' }, to: { node: 'ask', port: 'items' } });
    writeFileSync(graphFile, graphFileText(graph));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  for (const size of SCREEN_SIZES) {
    const tag = `${size.width}x${size.height}`;

    it(`edits a JSON Schema with highlighting and the engine's own checks at ${tag}`, async () => {
      const { context, page, errors } = await openEditor(browser, studio.url, size);
      await page.getByTestId('open-file').setInputFiles(graphFile);
      await page.locator('.react-flow__node[data-id="ask"]').click();
      await field(page).locator('[data-field-editor="json-schema"]').waitFor();

      // Broken JSON: the spot is marked and the field says so, before it is left; nothing is stored.
      await typeSchema(page, '{\n  "type": "object",\n  "properties": { "answer" { "type": "string" } }\n}');
      await field(page).locator('.cm-json-error').first().waitFor();
      await field(page).locator('.field-error').filter({ hasText: 'not valid JSON' }).waitFor();
      await leaveField(page);
      await page.screenshot({ path: join(ARTIFACTS, `json-schema-field-${tag}-broken.png`) });

      // Valid JSON, but not a schema ajv compiles: the editor says why while typing, and the engine agrees once stored.
      await typeSchema(page, '{\n  "type": "object",\n  "properties": { "answer": { "type": "strin" } }\n}');
      await expect.poll(() => field(page).locator('.cm-json-error').count()).toBe(0);
      await field(page).locator('.field-error').filter({ hasText: 'invalid JSON Schema' }).first().waitFor();
      await leaveField(page);
      await expect.poll(() => field(page).locator('.field-error').filter({ hasText: 'invalid JSON Schema' }).count()).toBe(2);

      // A good schema: highlighted by token kind, and every error clears, the engine's included.
      await typeSchema(page, '{\n  "type": "object",\n  "properties": { "answer": { "type": "string" }, "score": { "type": "number", "maximum": 10 } },\n  "required": ["answer"]\n}');
      await leaveField(page);
      await expect.poll(() => field(page).locator('.field-error').allTextContents()).toEqual([]);
      const colours = await field(page).evaluate((box) => {
        const colourOf = (text: string) => {
          const span = [...box.querySelectorAll('.cm-line span')].find((s) => s.textContent === text);
          return span && getComputedStyle(span).color;
        };
        return { property: colourOf('"answer"'), number: colourOf('10'), text: getComputedStyle(box.querySelector('.cm-content')!).color };
      });
      expect(colours.property).toBe('rgb(147, 197, 253)');
      expect(colours.number).toBe('rgb(251, 191, 36)');
      expect(colours.property).not.toBe(colours.text);
      await page.screenshot({ path: join(ARTIFACTS, `json-schema-field-${tag}.png`) });

      // Stored in the graph as the object typed, not as text.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const savedPath = join(studio.dir, `saved-${tag}.rewatch.json`);
      await (await download).saveAs(savedPath);
      const saved = JSON.parse(readFileSync(savedPath, 'utf8'));
      const ask = saved.nodes.find((n: { id: string }) => n.id === 'ask');
      expect(ask.config.jsonSchema).toEqual({
        type: 'object',
        properties: { answer: { type: 'string' }, score: { type: 'number', maximum: 10 } },
        required: ['answer'],
      });
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
