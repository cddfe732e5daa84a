import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserWindow, screen, type Rectangle } from 'electron';

interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

function loadState(file: string): WindowState | undefined {
  try {
    const state = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as WindowState) : undefined;
    // A window saved on a display that is gone would open off-screen.
    const visible = state && screen.getAllDisplays().some((d) => {
      const area = d.workArea;
      return state.bounds.x < area.x + area.width && state.bounds.y < area.y + area.height;
    });
    return visible ? state : undefined;
  } catch {
    return undefined;
  }
}

/** The editor window: sandboxed, isolated, no Node; size and position remembered between sessions. */
export function createMainWindow(options: { userData: string; preload: string; url: string }): BrowserWindow {
  const stateFile = join(options.userData, 'window-state.json');
  const state = loadState(stateFile);
  const window = new BrowserWindow({
    ...(state?.bounds ?? { width: 1440, height: 900 }),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'ReWatch Studio',
    backgroundColor: '#111318',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const saved: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    writeFileSync(stateFile, JSON.stringify(saved));
  });
  void window.loadURL(options.url);
  return window;
}
