/**
 * A training node's preview in headless Chromium: while the (fake) trainer runs on this machine, its loss curve grows
 * in the preview from the engine's live metric events; when it ends, the training run's own charts replace it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { FAKE_TOOLS_DIR } from '../support/sshd.ts';
import { launchGraph, sftDataset, trainCatalog } from '../train/harness.ts';
import { hasChromium, launchChromium, pageErrors, startStudio, type Studio } from './studio.ts';

const STEPS = 40;

describe.skipIf(!hasChromium)('live training metrics in the preview', () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const originalPath = process.env.PATH;

  beforeAll(async () => {
    // The local host runs the fake `llamafactory-cli` (HF Trainer-style logs, 0.15 s a step).
    process.env.PATH = `${FAKE_TOOLS_DIR}:${originalPath}`;
    studio = await startStudio([], trainCatalog);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    errors = pageErrors(page);
    await page.goto(studio.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    process.env.PATH = originalPath;
  });

  it('charts the loss while the trainer runs, then shows the finished run', async () => {
    const graph = launchGraph('rewatch.sft-launcher', [sftDataset(join(studio.dir, 'export'))], { extra: { fake_steps: STEPS } });
    const file = join(studio.dir, 'train.rewatch.json');
    writeFileSync(file, graphFileText(graph));
    await page.getByTestId('open-file').setInputFiles(file);
    await page.locator('.react-flow__node[data-id="train"]').click();
    await page.getByRole('button', { name: '▶ Run all' }).click();

    const live = page.getByTestId('live-metrics');
    await live.waitFor();
    const first = Number(/^(\d+) logged steps? so far/.exec((await live.locator('p').textContent())!)![1]);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(STEPS);
    // The chart grows while the job runs.
    await page.waitForFunction(
      (before) => {
        const text = document.querySelector('[data-testid="live-metrics"] p')?.textContent ?? '';
        return Number(/^(\d+)/.exec(text)?.[1] ?? 0) > before;
      },
      first,
      { timeout: 30_000 },
    );
    await expect.poll(() => live.getByRole('img', { name: 'loss over steps' }).count()).toBe(1);

    // Finished: the output's own preview (the training run with its charts) replaces the live view.
    await live.waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByText(/^llamafactory · local · job /).waitFor();
    const run = (await studio.engine.listRuns())[0]!;
    expect(run.status).toBe('done');
    expect(await studio.engine.nodeMetrics(run.runId, 'train')).toHaveLength(STEPS);
    expect(errors).toEqual([]);
  });
});
