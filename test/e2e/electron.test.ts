import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/engine-fixture.ts';

/** The Electron binary, when its download succeeded (it cannot on machines without GitHub access). */
function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as string;
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary) {
  console.log('[electron e2e] skipped: the Electron binary is not installed (its download from GitHub failed or was skipped)');
}

describe.skipIf(!binary)('the Electron app', () => {
  it('opens the editor from its engine in a sandboxed, isolated window', async () => {
    execFileSync(process.execPath, ['scripts/build-electron.mjs'], { stdio: 'inherit' });
    const data = tempDir();
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.'],
      env: { ...process.env, REWATCH_DATA_DIR: join(data.path, 'data') } as Record<string, string>,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(new URL(page.url()).hostname).toBe('127.0.0.1');
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as { rewatchDesktop?: { openGraphFile?: unknown } }).rewatchDesktop?.openGraphFile)).toBe(
        'function',
      );
      const csp = await page.evaluate(() => fetch(location.href).then((r) => r.headers.get('content-security-policy')));
      expect(csp).toContain("default-src 'self'");
      const opened = await page.evaluate(() => window.open('https://example.com') === null);
      expect(opened).toBe(true);
    } finally {
      await app.close();
      data.remove();
    }
  });
});
