/**
 * Shared by the editor e2e test and the editor benchmark: the built renderer, the real engine and server in this
 * process, and headless Chromium driven by playwright-core.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { ProviderProfile } from '../../main/llm/profiles.ts';
import { createApiServer, createToken, editorUrl, type RunningServer } from '../../main/server/index.ts';
import { openEngine, tempDir } from '../support/engine-fixture.ts';

/** Where the e2e tests write their screenshots (gitignored). */
export const ARTIFACTS = 'test-artifacts';
/** The screens every editor item is checked and shot at: a laptop and a desktop. */
export const SCREEN_SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;
export type ScreenSize = (typeof SCREEN_SIZES)[number];

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIST = join(ROOT, 'dist', 'renderer');
/** What the renderer bundle is built from. */
const SOURCES = ['renderer', 'main/api', 'main/graph'].map((dir) => join(ROOT, dir));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** Builds `dist/renderer` with Vite's JS API unless it is newer than every source file. */
export async function ensureRendererBuilt(): Promise<string> {
  const index = join(RENDERER_DIST, 'index.html');
  const stale = !existsSync(index) || statSync(index).mtimeMs < Math.max(...SOURCES.map(newestMtime));
  if (stale) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  }
  return RENDERER_DIST;
}

export interface Studio {
  engine: Engine;
  server: RunningServer;
  /** The editor's address with the token, as `rewatch serve` prints it. */
  url: string;
  /** A temp dir for inputs, outputs and the engine's data. */
  dir: string;
  close(): Promise<void>;
}

/** `catalog` adds node types of a test's own (e.g. a source of ready-made datasets). */
export async function startStudio(providers: ProviderProfile[] = [], catalog?: NodeCatalog): Promise<Studio> {
  const staticDir = await ensureRendererBuilt();
  const dir = tempDir('rewatch-e2e-');
  const engine = openEngine(join(dir.path, 'data'), providers, catalog);
  const token = createToken();
  const server = await createApiServer({ engine, token, resolveMedia: (hash) => engine.mediaPath(hash), staticDir }).listen();
  return {
    engine,
    server,
    url: editorUrl(server.url, token),
    dir: dir.path,
    async close() {
      await server.close();
      await engine.close();
      dir.remove();
    },
  };
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', ...extraArgs],
  });
}

/** Collects the page's console errors and uncaught exceptions, which a test should find empty. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * The editor in a new browser context of `size`: its console errors collected, and "Discard the unsaved changes?"
 * answered yes wherever a step replaces the graph.
 */
export async function openEditor(browser: Browser, url: string, size: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: size, acceptDownloads: true });
  const page = await context.newPage();
  const errors = pageErrors(page);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  return { context, page, errors };
}

/** Clicks one of the toolbar's spare actions (Undo, Fit…): on the row when it fits, else from its "⋯" menu. */
export async function spareAction(page: Page, name: string): Promise<void> {
  const inline = page.locator('.toolbar').getByRole('button', { name, exact: true });
  if (await inline.isVisible()) return inline.click();
  await page.getByRole('button', { name: '⋯ ▾' }).click();
  await page.locator('.menu [role^="menuitem"]').filter({ has: page.getByText(name, { exact: true }) }).click();
}

export async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element is not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags from one element to another with real mouse moves, as a user draws an edge. */
export async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await centre(from);
  const b = await centre(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 12 });
  await page.mouse.up();
}
