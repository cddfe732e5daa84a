#!/usr/bin/env node
// Builds the Electron shell: bundles main/electron and the preload into dist/electron/*.cjs, and tries to build
// better-sqlite3 for Electron's ABI into dist/electron/better_sqlite3.node (the engine loads it through
// `nativeBinding`, so node_modules keeps the Node build the tests and the CLI use). The native build needs
// Electron's headers from the network; without them the engine falls back to node_modules' build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'electron');
const require = createRequire(import.meta.url);
mkdirSync(out, { recursive: true });

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['electron'], sourcemap: true };
await build({ ...common, entryPoints: [join(root, 'main/electron/main.ts')], outfile: join(out, 'main.cjs') });
await build({ ...common, entryPoints: [join(root, 'preload/index.ts')], outfile: join(out, 'preload.cjs') });

const binding = join(out, 'better_sqlite3.node');
if (!existsSync(binding)) {
  const electronVersion = require('electron/package.json').version;
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(join(tmpdir(), 'rewatch-sqlite-electron-'));
  cpSync(source, work, { recursive: true });
  const gyp = spawnSync(
    'npx',
    ['--yes', 'node-gyp', 'rebuild', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--release'],
    { cwd: work, stdio: 'inherit' },
  );
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (gyp.status === 0 && existsSync(built)) cpSync(built, binding);
  else console.warn('[rewatch] could not build better-sqlite3 for Electron (offline?); the engine uses the Node build');
  rmSync(work, { recursive: true, force: true });
}
console.log(`built ${out}`);
