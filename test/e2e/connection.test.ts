/**
 * A connection that recovers, in headless Chromium against `rewatch serve` in its own process: the engine is killed
 * mid-run, the page says so and disables running, the engine starts again on the same data dir (same port, same
 * token from the data dir), and the page recovers by itself: the banner goes, the killed run reads `interrupted`,
 * Recent (the origin's, so it needs the same address) lists the files opened by picker and by drop, also in a new
 * tab, and a run goes through. An engine of another data dir on that port is told apart (its token differs).
 * Screenshots: test-artifacts/.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { TOKEN_FILE } from '../../main/server/token-file.ts';
import { pipelineGraph, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { freePort } from '../support/sshd.ts';
import { until } from '../support/until.ts';
import { startServeProcess, type ServeProcess } from './serve-process.ts';
import { ARTIFACTS, ensureRendererBuilt, hasChromium, launchChromium, pageErrors, SCREEN_SIZES } from './studio.ts';


const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

describe.skipIf(!hasChromium)('a connection that recovers', () => {
  const dir = tempDir('rewatch-e2e-connect-');
  const dataDir = join(dir.path, 'data');
  const graphPath = join(dir.path, 'numbers.rewatch.json');
  let llm: ScriptedLlmServer;
  /** Replies wait here until the test lets them go, so the first run is still running when the engine is killed. */
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let port: number;
  let engine: ServeProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const serve = () => startServeProcess(['--data-dir', dataDir, '--port', String(port)]);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureRendererBuilt();
    llm = await startScriptedLlmServer({ respond: async () => held.then(() => 'fine') });
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'providers.yaml'), `providers:\n  - name: test-llm\n    baseURL: ${llm.baseURL}\n    model: m\n`);
    const input = writeJsonl(join(dir.path, 'in.jsonl'), [{ n: 1 }, { n: 2 }]);
    writeFileSync(graphPath, graphFileText(pipelineGraph(input, join(dir.path, 'out.jsonl'))));
    port = await freePort();
    engine = await serve();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: SCREEN_SIZES[0] })).newPage();
    errors = pageErrors(page);
    await page.goto(engine.url);
    await page.getByTestId('open-file').setInputFiles(graphPath);
    await node(page, 'ask').waitFor();
  }, 120_000);

  afterAll(async () => {
    release();
    await browser?.close();
    engine?.child.kill('SIGTERM');
    await engine?.exited;
    await llm?.close();
    dir.remove();
  });

  it('keeps the token in the data dir, readable by its owner only, and prints it only in the address to open', () => {
    expect(statSync(join(dataDir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(engine.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=[A-Za-z0-9_-]{43}$`));
    const token = new URL(engine.url).hash.slice('#token='.length);
    expect(engine.output().split(token).length - 1).toBe(1);
  });

  it('shows the engine gone and disables running when it is killed mid-run', async () => {
    await page.getByRole('button', { name: '▶ Run all' }).click();
    await until(() => llm.requests.length > 0, 'the run to ask the model');
    await page.getByTestId('run-status').filter({ hasText: /^running/ }).waitFor();

    engine.child.kill('SIGKILL');
    await engine.exited;
    const banner = page.getByTestId('connection-lost');
    await banner.waitFor();
    await expect.poll(() => banner.textContent()).toContain('The engine is not reachable.');
    await expect(page.getByRole('button', { name: '▶ Run all' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: '■ Cancel' }).isDisabled()).resolves.toBe(true);
    // The shortcut is refused too, saying why.
    await page.locator('.react-flow__pane').click();
    await page.keyboard.press('Control+Enter');
    await page.getByText('Cannot run: the engine is not reachable; the page is reconnecting').waitFor();
    for (const viewport of SCREEN_SIZES) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `connection-lost-${viewport.width}x${viewport.height}.png`) });
    }
    await page.setViewportSize(SCREEN_SIZES[0]!);
  });

  it('recovers without a reload when the engine starts again on the same port, with the same token', async () => {
    const firstUrl = engine.url;
    engine = await serve();
    expect(engine.url).toBe(firstUrl);
    // Waiting out the backoff is the page's job; the button only saves the test the wait.
    await page.getByRole('button', { name: 'Reconnect now' }).click().catch(() => {});
    await page.getByTestId('connection-lost').waitFor({ state: 'detached' });
    // The run the killed process was doing is refetched: the restarted engine marked it interrupted.
    await page.getByTestId('run-status').filter({ hasText: /^interrupted/ }).waitFor();
    await expect(page.getByRole('button', { name: '▶ Run all' }).isEnabled()).resolves.toBe(true);
    for (const viewport of SCREEN_SIZES) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(ARTIFACTS, `connection-recovered-${viewport.width}x${viewport.height}.png`) });
    }
    await page.setViewportSize(SCREEN_SIZES[0]!);
  });

  it('keeps Recent: a dropped file joins it, and a new tab at the same address lists both and opens one', async () => {
    const dropped = graphFileText({ ...pipelineGraph('in.jsonl', 'out.jsonl'), name: 'dropped' });
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'dropped.rewatch.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, dropped);
    await page.getByTestId('file-name').filter({ hasText: /^dropped\.rewatch\.json$/ }).waitFor();

    // The restarted engine kept the address, so a page opened at it has the same origin and the same recent files.
    const tab = await page.context().newPage();
    await tab.goto(engine.url);
    await tab.getByRole('button', { name: 'Recent ▾' }).click();
    const items = tab.getByRole('menuitem');
    await items.first().waitFor();
    await expect(items.evaluateAll((nodes) => nodes.map((n) => n.firstChild?.textContent?.trim()))).resolves.toEqual([
      'dropped.rewatch.json',
      'numbers.rewatch.json',
    ]);
    await items.filter({ hasText: 'numbers.rewatch.json' }).click();
    await node(tab, 'ask').waitFor();
    await expect.poll(() => tab.getByTestId('file-name').textContent()).toBe('numbers.rewatch.json');
    await tab.close();
  });

  it('says so when the engine that comes back on the address was started on another data dir (another token)', async () => {
    engine.child.kill('SIGTERM');
    await engine.exited;
    const stranger = await startServeProcess(['--data-dir', join(dir.path, 'other-data'), '--port', String(port)]);
    try {
      const banner = page.getByTestId('connection-lost').filter({ hasText: 'does not accept this page’s token' });
      await banner.waitFor();
      await expect(page.getByRole('button', { name: '▶ Run all' }).isDisabled()).resolves.toBe(true);
    } finally {
      stranger.child.kill('SIGTERM');
      await stranger.exited;
    }
    engine = await serve();
    await page.getByTestId('connection-lost').waitFor({ state: 'detached' });
  });

  it('runs the graph on the restarted engine', async () => {
    await page.getByRole('button', { name: 'Recent ▾' }).click();
    await page.getByRole('menuitem', { name: /numbers\.rewatch\.json/ }).click();
    await page.getByTestId('file-name').filter({ hasText: /^numbers\.rewatch\.json$/ }).waitFor();
    release();
    await page.getByRole('button', { name: '▶ Run all' }).click();
    await page.getByTestId('run-status').filter({ hasText: /^done/ }).waitFor({ timeout: 60_000 });
    // Failed requests of the killed engine's page were the socket's; nothing else went wrong on the page.
    // The refused token answered 401s.
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|status of 401/.test(e))).toEqual([]);
  });
});
