import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { graphFileText } from '../../main/graph/canonical.ts';
import { emptyGraph } from '../../main/graph/format.ts';
import { type IpcDeps, registerIpc } from '../../main/electron/ipc.ts';
import { IPC } from '../../preload/bridge.ts';
import { tempDir } from '../support/engine-fixture.ts';

const ORIGIN = 'http://127.0.0.1:4321';
const KEY = 'sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789';
const editorFrame = { senderFrame: { url: `${ORIGIN}/#token=t`, parent: null } } as unknown as IpcMainInvokeEvent;

/** `registerIpc` with doubles of Electron's `ipcMain`, dialogs, shell and keychain; `invoke` calls a channel as the editor would. */
function setup(dir: string) {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  const dialog = {
    showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
    showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })),
  };
  const shell = { showItemInFolder: vi.fn() };
  const secrets = { names: vi.fn(() => ['OPENAI_API_KEY']), set: vi.fn(), delete: vi.fn() };
  const deps: IpcDeps = {
    ipcMain: { handle: (channel, listener) => void handlers.set(channel, listener) },
    dialog,
    shell,
    window: {} as BrowserWindow,
    engineOrigin: ORIGIN,
    userData: dir,
    secrets,
  };
  registerIpc(deps);
  const invoke = async (channel: string, ...args: unknown[]) => handlers.get(channel)!(editorFrame, ...args);
  return { handlers, dialog, shell, secrets, invoke };
}

const graphText = (name: string, extra: Record<string, unknown> = {}) => graphFileText({ ...emptyGraph(name), ...extra });

describe('the Electron IPC handlers', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('rewatch-ipc-');
  });
  afterEach(() => dir.remove());

  it('register every channel of the bridge, and refuse requests from any other frame', async () => {
    const { handlers } = setup(dir.path);
    expect([...handlers.keys()].sort()).toEqual(Object.values(IPC).filter((c) => c !== IPC.menuCommand).sort());
    const framed = { senderFrame: { url: `${ORIGIN}/`, parent: {} } } as unknown as IpcMainInvokeEvent;
    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } } as unknown as IpcMainInvokeEvent;
    for (const event of [framed, foreign]) {
      expect(() => handlers.get(IPC.recentFiles)!(event)).toThrow(/does not come from the ReWatch Studio editor/);
    }
  });

  it('check every argument against the channel schema and say what is wrong', async () => {
    const { invoke, secrets, shell } = setup(dir.path);
    await expect(invoke(IPC.openRecentFile, 42)).rejects.toThrow(`${IPC.openRecentFile}: 0: Invalid input: expected string`);
    await expect(invoke(IPC.openRecentFile)).rejects.toThrow(IPC.openRecentFile);
    await expect(invoke(IPC.setSecret, 'lower-case', 'v')).rejects.toThrow(/0: must be an environment variable name/);
    await expect(invoke(IPC.setSecret, 'OPENAI_API_KEY', { toString: () => 'x' })).rejects.toThrow(/1: Invalid input/);
    await expect(invoke(IPC.deleteSecret, 'A', 'extra')).rejects.toThrow(IPC.deleteSecret);
    await expect(invoke(IPC.revealInFolder, 'a\0b')).rejects.toThrow(/cannot contain NUL/);
    await expect(invoke(IPC.saveGraphFile, { suggestedName: '../../.bashrc', text: graphText('g') })).rejects.toThrow(
      /suggestedName: must be a file name/,
    );
    await expect(invoke(IPC.saveGraphFile, { suggestedName: 'g.json', text: graphText('g'), mode: 0o777 })).rejects.toThrow(/mode/);
    expect(secrets.set).not.toHaveBeenCalled();
    expect(secrets.delete).not.toHaveBeenCalled();
    expect(shell.showItemInFolder).not.toHaveBeenCalled();

    await invoke(IPC.setSecret, 'OPENAI_API_KEY', 'value');
    expect(secrets.set).toHaveBeenCalledWith('OPENAI_API_KEY', 'value');
  });

  it('write a path the page names only after the user chose it in a dialog this session', async () => {
    const { invoke, dialog } = setup(dir.path);
    const target = join(dir.path, 'victim.txt');
    const chosen = join(dir.path, 'chosen.rewatch.json');

    // A path the page made up: the user is asked, and cancelling writes nothing.
    expect(await invoke(IPC.saveGraphFile, { path: target, suggestedName: 'g.rewatch.json', text: graphText('g') })).toBeNull();
    expect(dialog.showSaveDialog).toHaveBeenCalledWith({}, expect.objectContaining({ defaultPath: 'g.rewatch.json' }));
    expect(existsSync(target)).toBe(false);

    // The user picks a file: the graph goes there, not to the page's path.
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: chosen });
    expect(await invoke(IPC.saveGraphFile, { path: target, suggestedName: 'g.rewatch.json', text: graphText('g') })).toEqual({ path: chosen });
    expect(existsSync(target)).toBe(false);
    expect(readFileSync(chosen, 'utf8')).toBe(graphText('g'));

    // Saving again to the chosen file does not ask again.
    expect(await invoke(IPC.saveGraphFile, { path: chosen, suggestedName: 'g.rewatch.json', text: graphText('again') })).toEqual({ path: chosen });
    expect(dialog.showSaveDialog).toHaveBeenCalledTimes(2);
    expect(JSON.parse(readFileSync(chosen, 'utf8')).name).toBe('again');
    expect(await invoke(IPC.recentFiles)).toEqual([chosen]);
  });

  it('a file opened in the open dialog may be saved over; reveal works only for such files', async () => {
    const { invoke, dialog, shell } = setup(dir.path);
    const opened = join(dir.path, 'opened.rewatch.json');
    await writeFile(opened, graphText('opened'));
    await expect(invoke(IPC.revealInFolder, opened)).rejects.toThrow('was not opened or saved in this session');
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [opened] });
    expect(await invoke(IPC.openGraphFile)).toEqual({ path: opened, text: graphText('opened') });
    expect(await invoke(IPC.saveGraphFile, { path: opened, suggestedName: 'opened.rewatch.json', text: graphText('edited') })).toEqual({
      path: opened,
    });
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
    await invoke(IPC.revealInFolder, opened);
    expect(shell.showItemInFolder).toHaveBeenCalledWith(opened);
  });

  it('write no secret, and refuse text that is not a graph', async () => {
    const { invoke, dialog } = setup(dir.path);
    const chosen = join(dir.path, 'g.rewatch.json');
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: chosen });
    await invoke(IPC.saveGraphFile, { suggestedName: 'g.rewatch.json', text: graphText('g', { description: `key ${KEY}`, token: 'tkn' }) });
    const written = readFileSync(chosen, 'utf8');
    expect(written).not.toContain(KEY);
    expect(written).not.toContain('tkn');
    expect(JSON.parse(written)).toEqual(emptyGraph('g'));

    await expect(invoke(IPC.saveGraphFile, { suggestedName: 'g.rewatch.json', text: 'not json' })).rejects.toThrow(/not a graph file: /);
    await expect(invoke(IPC.saveGraphFile, { suggestedName: 'g.rewatch.json', text: '{"name": "x"}' })).rejects.toThrow(
      /not a graph file: format: /,
    );
    expect(JSON.parse(readFileSync(chosen, 'utf8'))).toEqual(emptyGraph('g'));
  });
});
