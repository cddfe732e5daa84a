/**
 * The Electron shell: a thin layer around the engine. It starts the engine in a utility process, opens the editor
 * the engine serves, and offers only desktop extras (dialogs, recent files, keychain secrets, menus) over IPC.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { startEngine, type RunningEngine } from './engine-process.ts';
import { registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { SecretStore } from './secrets.ts';
import { lockDown } from './security.ts';
import { createMainWindow } from './window.ts';

// The bundle lives in dist/electron/; the app's files are two levels up.
const appRoot = join(__dirname, '..', '..');
let engine: RunningEngine | undefined;

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.whenReady().then(async () => {
  const userData = app.getPath('userData');
  const secrets = new SecretStore(userData);
  const sqliteBinding = join(appRoot, 'dist', 'electron', 'better_sqlite3.node');
  engine = await startEngine({
    appRoot,
    dataDir: process.env.REWATCH_DATA_DIR ?? join(userData, 'data'),
    secrets: secrets.environment(),
    ...(existsSync(sqliteBinding) ? { sqliteBinding } : {}),
  });
  lockDown(engine.origin);
  const window = createMainWindow({
    userData,
    preload: join(__dirname, 'preload.cjs'),
    url: `${engine.origin}/#token=${encodeURIComponent(engine.token)}`,
  });
  registerIpc({ ipcMain, dialog, shell, window, engineOrigin: engine.origin, userData, secrets });
  installMenu(window);
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => engine?.stop());
