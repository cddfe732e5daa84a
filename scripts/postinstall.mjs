// Fetches Electron's binary when the network allows it. npm's allowScripts keeps electron's own install
// script off so that `npm install` succeeds offline; here a failed download is only a warning, and the app
// then runs in browser mode (`npm start` serves the UI from the engine's local server).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronInstallScript() {
  try {
    return require.resolve('electron/install.js');
  } catch {
    return null;
  }
}

const script = electronInstallScript();
if (!script || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
  process.exit(0);
}
// electron/install.js writes path.txt once the binary is in place.
if (existsSync(join(dirname(script), 'path.txt'))) process.exit(0);

const result = spawnSync(process.execPath, [script], { stdio: 'inherit', timeout: 120_000 });
if (result.status !== 0) {
  console.warn('[rewatch] Electron binary download failed; `npm start` will serve the UI in a browser instead.');
}
