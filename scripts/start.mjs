#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed; otherwise the editor in a browser, served with
// the engine by `rewatch serve` (which prints the address to open, token included). Either way the editor is
// rebuilt first when its sources are newer than dist/renderer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const electronShellBuild = join(root, 'scripts', 'build-electron.mjs');
const rendererDist = join(root, 'dist', 'renderer');
/** What the renderer bundle is built from. */
const rendererSources = ['renderer', 'main/api', 'main/graph'].map((dir) => join(root, dir));

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

async function buildRendererIfStale() {
  const index = join(rendererDist, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...rendererSources.map(newestMtime))) return;
  console.log('[rewatch] building the editor (dist/renderer)…');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

/** Runs a child with this terminal, passes Ctrl-C on, and exits with its code. */
function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronBinary();
await buildRendererIfStale();
if (electron && existsSync(electronShellBuild)) {
  // The shell (package.json `main`) is bundled by its own script; it serves dist/renderer through the engine.
  const shell = spawnSync(process.execPath, [electronShellBuild], { cwd: root, stdio: 'inherit' });
  if (shell.status !== 0) process.exit(shell.status ?? 1);
  run(electron, [root, ...process.argv.slice(2)]);
} else {
  run(process.execPath, [join(root, 'scripts', 'rewatch.mjs'), 'serve', '--static-dir', rendererDist, ...process.argv.slice(2)]);
}
