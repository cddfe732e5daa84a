/**
 * Settings you can edit, in headless Chromium against the real engine and server: a provider profile and a host are
 * added in the UI, refused by field while wrong, written to providers.yaml / hosts.yaml in the data dir, edited
 * again (a comment written in the file by hand stays), and used at once: the graph that named the missing profile
 * validates, and "Test connection" reaches the profile's new server, with no restart. Screenshots: test-artifacts/.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { pipelineGraph, writeJsonl } from '../support/engine-fixture.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { ARTIFACTS, hasChromium, launchChromium, pageErrors, SCREEN_SIZES, startStudio, type Studio } from './studio.ts';


const form = (page: Page) => page.locator('form.settings-entry-form');
const field = (page: Page, name: string) => form(page).locator(`[data-field="${name}"]`);

async function fill(page: Page, name: string, value: string): Promise<void> {
  const input = field(page, name).locator('input');
  await input.fill(value);
  await input.press('Tab');
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of SCREEN_SIZES) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(SCREEN_SIZES[0]!);
}

describe.skipIf(!hasChromium)('editing settings in the UI', () => {
  let first: ScriptedLlmServer;
  let second: ScriptedLlmServer;
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let providersFile: string;
  let hostsFile: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    first = await startScriptedLlmServer({ respond: () => 'first', model: 'first-model' });
    second = await startScriptedLlmServer({ respond: () => 'second', model: 'second-model' });
    studio = await startStudio();
    providersFile = join(studio.dir, 'data', 'providers.yaml');
    hostsFile = join(studio.dir, 'data', 'hosts.yaml');
    const graphPath = join(studio.dir, 'judge.rewatch.json');
    const input = writeJsonl(join(studio.dir, 'in.jsonl'), [{ n: 1 }]);
    writeFileSync(graphPath, graphFileText(pipelineGraph(input, join(studio.dir, 'out.jsonl'))));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: SCREEN_SIZES[0] })).newPage();
    errors = pageErrors(page);
    await page.goto(studio.url);
    await page.getByTestId('open-file').setInputFiles(graphPath);
    await page.locator('.react-flow__node[data-id="ask"]').waitFor();
    await page.getByRole('tab', { name: /Problems/ }).click();
    await page.getByText('unknown provider profile "test-llm"').waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await first?.close();
    await second?.close();
  });

  it('shows the data dir', async () => {
    await expect.poll(() => page.getByTestId('data-dir').textContent()).toBe(join(studio.dir, 'data'));
  });

  it('refuses a profile the engine could not load, with each error on its field, and writes nothing', async () => {
    await page.getByRole('button', { name: '+ add profile' }).click();
    await fill(page, 'name', 'test-llm');
    await fill(page, 'baseURL', 'not a url');
    await fill(page, 'apiKeyEnv', 'sk-live-0123');
    await form(page).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => field(page, 'baseURL').locator('.field-error').textContent()).toMatch(/URL/i);
    await expect.poll(() => field(page, 'apiKeyEnv').locator('.field-error').textContent()).toBe(
      'must be the name of an environment variable, not a key',
    );
    await expect.poll(() => field(page, 'model').locator('.field-error').textContent()).toBe('required');
    await screenshots(page, 'settings-edit-errors');
    expect(() => statSync(providersFile)).toThrow(/ENOENT/);
  });

  it('saves the corrected profile to providers.yaml; the graph naming it validates at once', async () => {
    await fill(page, 'baseURL', first.baseURL);
    await fill(page, 'model', 'first-model');
    await fill(page, 'apiKeyEnv', 'FIRST_KEY');
    await form(page).getByRole('button', { name: 'Save' }).click();
    await form(page).waitFor({ state: 'detached' });
    expect(readFileSync(providersFile, 'utf8')).toBe(
      `providers:\n  - name: test-llm\n    baseURL: ${first.baseURL}\n    apiKeyEnv: FIRST_KEY\n    model: first-model\n`,
    );
    expect(statSync(providersFile).mode & 0o777).toBe(0o600);
    await expect.poll(() => page.locator('[data-provider="test-llm"] td').nth(1).textContent()).toBe('first-model');
    await page.keyboard.press('Escape');
    await page.getByText('No problems: the graph can run.').waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
  });

  it('edits the profile to another server: the file keeps its hand-written comment and the engine uses it without a restart', async () => {
    writeFileSync(providersFile, `# profiles of the lab\n${readFileSync(providersFile, 'utf8')}`);
    const row = page.locator('[data-provider="test-llm"]');
    await row.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => row.getByTestId('test-result').textContent()).toMatch(/^first-model replied “first”/);

    await row.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => field(page, 'model').locator('input').inputValue()).toBe('first-model');
    await fill(page, 'baseURL', second.baseURL);
    await fill(page, 'model', 'second-model');
    await screenshots(page, 'settings-edit-form');
    await form(page).getByRole('button', { name: 'Save' }).click();
    await form(page).waitFor({ state: 'detached' });
    expect(readFileSync(providersFile, 'utf8')).toBe(
      `# profiles of the lab\nproviders:\n  - name: test-llm\n    baseURL: ${second.baseURL}\n    apiKeyEnv: FIRST_KEY\n    model: second-model\n`,
    );

    await row.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => row.getByTestId('test-result').textContent()).toMatch(/^second-model replied “second”/);
    expect(second.requests).toHaveLength(1);
    expect(first.requests).toHaveLength(1);
  });

  it('adds an SSH host to hosts.yaml once it says how to log in; nodes can pick it', async () => {
    await page.getByRole('button', { name: '+ add host' }).click();
    await fill(page, 'name', 'gpu-1');
    await fill(page, 'host', 'gpu-1.lab.example');
    await fill(page, 'user', 'alice');
    await form(page).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => field(page, 'privateKeyPath').locator('.field-error').textContent()).toBe('set privateKeyPath or agent: true');
    await field(page, 'agent').locator('input').check();
    await form(page).getByRole('button', { name: 'Save' }).click();
    await form(page).waitFor({ state: 'detached' });
    expect(readFileSync(hostsFile, 'utf8')).toBe('hosts:\n  - kind: ssh\n    name: gpu-1\n    host: gpu-1.lab.example\n    user: alice\n    agent: true\n');
    await page.locator('[data-host="gpu-1"]').waitFor();
    await screenshots(page, 'settings-edit-saved');
    await page.keyboard.press('Escape');
    await page.locator('.react-flow__node[data-id="ask"]').click();
    await expect.poll(() => page.locator('#node-host option').allTextContents()).toEqual(['local', 'gpu-1']);
    expect(errors).toEqual([]);
  });
});
