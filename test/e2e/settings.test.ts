/**
 * The Settings view in headless Chromium against the real engine and server: test this machine, a provider profile
 * served by the scripted OpenAI-compatible server and one whose server is gone; see the (empty) model server list.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { FAKE_TOOLS_DIR, freePort } from '../support/sshd.ts';
import { runToEnd, writeJsonl } from '../support/engine-fixture.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { ARTIFACTS, hasChromium, launchChromium, pageErrors, startStudio, type Studio } from './studio.ts';

const API_KEY = 'sk-e2e-secret-4242';

describe.skipIf(!hasChromium)('the Settings view', () => {
  let llm: ScriptedLlmServer;
  let refusedURL: string;
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    llm = await startScriptedLlmServer({ respond: () => 'ok', model: 'scripted-model' });
    refusedURL = `http://127.0.0.1:${await freePort()}/v1`;
    process.env.E2E_JUDGE_KEY = API_KEY;
    studio = await startStudio([profile('judge-llm', llm.baseURL, { apiKeyEnv: 'E2E_JUDGE_KEY' }), profile('offline-llm', refusedURL)]);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    errors = pageErrors(page);
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Settings' }).click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await llm?.close();
    delete process.env.E2E_JUDGE_KEY;
  });

  it('lists the hosts and profiles and says where they are edited', async () => {
    const view = page.getByRole('region', { name: 'Settings' });
    await expect.poll(() => view.locator('[data-host]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-host')))).toEqual(['local']);
    const judge = view.locator('[data-provider="judge-llm"]');
    await expect.poll(() => judge.textContent()).toContain(`scripted-model${llm.baseURL}`);
    await expect.poll(() => view.textContent()).toMatch(/hosts\.yaml.*providers\.yaml.*data dir/);
  });

  it('tests the local host: OS, free disk, GPUs and latency', async () => {
    const row = page.locator('[data-host="local"]');
    await row.getByRole('button', { name: 'Test connection' }).click();
    const result = await row.getByTestId('test-result').textContent();
    expect(result).toMatch(/^Linux \S+ \S+ · \d+\.\d GiB free · .+ · \d+(\.\d)? (ms|s)$/);
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('local');
  });

  it('tests a provider profile through the scripted server and shows the reply, never its key', async () => {
    const row = page.locator('[data-provider="judge-llm"]');
    await row.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => row.getByTestId('test-result').textContent()).toMatch(/^scripted-model replied “ok” · \d+(\.\d)? (ms|s)$/);
    expect(llm.requests.map((r) => r.messages)).toEqual([[{ role: 'user', content: 'Reply with the word ok.' }]]);
    expect(llm.requests[0]!.authorization).toBe(`Bearer ${API_KEY}`);
    await expect(page.content()).resolves.not.toContain(API_KEY);
  });

  it('shows a failing profile’s error inline in red', async () => {
    const row = page.locator('[data-provider="offline-llm"]');
    await row.getByRole('button', { name: 'Test connection' }).click();
    const error = row.getByTestId('test-error');
    await expect.poll(() => error.textContent()).toContain(`provider profile "offline-llm" at ${refusedURL}: connection failed`);
    await expect(error.evaluate((el) => getComputedStyle(el).color)).resolves.toBe('rgb(248, 113, 113)');
    await page.screenshot({ path: join(ARTIFACTS, 'settings.png') });
  });

  it('lists no model servers when none run', async () => {
    await expect.poll(() => page.getByTestId('no-model-servers').textContent()).toContain('No model servers are running');
  });

  it('lists a model server a run kept warm, and stops it', async () => {
    // The engine's local host runs the fake `vllm` (an OpenAI-compatible server) from the test tools.
    const originalPath = process.env.PATH;
    process.env.PATH = `${FAKE_TOOLS_DIR}:${originalPath}`;
    try {
      const graph: GraphFile = {
        format: 'rewatch-studio/graph',
        version: 1,
        name: 'warm',
        nodes: [
          { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: writeJsonl(join(studio.dir, 'items.jsonl'), [{ n: 1 }]) } },
          { id: 'serve', type: 'rewatch.model-server', typeVersion: 1, position: { x: 0, y: 200 }, config: { profile: 'warm-vlm', model: 'org/warm', port: await freePort(), keepWarm: true } },
          { id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 200, y: 0 }, config: { provider: 'warm-vlm', prompt: 'Hi {{n}}' } },
        ],
        edges: [{ id: 'e1', from: { node: 'src', port: 'items' }, to: { node: 'ask', port: 'items' } }],
      };
      expect((await runToEnd(studio.engine, graph)).status).toBe('done');
      const [server] = await studio.engine.modelServers();

      await page.getByRole('button', { name: 'refresh' }).click();
      const row = page.locator(`[data-model-server="${server!.id}"]`);
      // The list is fetched after the click: wait for the row's cells, not for a moment.
      await expect.poll(() => row.locator('td').allTextContents()).toEqual([
        'warm-vlm', 'vllm', 'org/warm', 'local', server!.baseURL, 'warm', 'none', 'Stop',
      ]);
      await row.getByRole('button', { name: 'Stop' }).click();
      await page.getByTestId('no-model-servers').waitFor();
      expect(await studio.engine.modelServers()).toEqual([]);
    } finally {
      process.env.PATH = originalPath;
    }
  });

  it('closes with Escape; the page logged only the failed test’s 502', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: 'Settings' }).waitFor({ state: 'detached' });
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 502 (Bad Gateway)']);
  });
});
