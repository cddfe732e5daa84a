import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { graphFileText } from '../../main/graph/canonical.ts';
import { emptyGraph } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import type { DesktopBridge, MenuCommand } from '../../preload/bridge.ts';
import { createCommands, listenToMenu } from '../../renderer/app/commands.ts';
import { createToastStore } from '../../renderer/app/toast-store.ts';
import { browserFileAccess, desktopFileAccess } from '../../renderer/files/desktop-files.ts';
import { createFileStore } from '../../renderer/files/file-store.ts';
import { docText } from '../../renderer/files/graph-files.ts';
import { createFileActions } from '../../renderer/files/use-file-actions.ts';
import { createRunsStore } from '../../renderer/runs/run-store.ts';
import { indexCatalog } from '../../renderer/store/catalog-index.ts';
import { graphToDoc } from '../../renderer/store/convert.ts';
import { createEditorStore } from '../../renderer/store/graph-store.ts';

const catalog = indexCatalog(new NodeCatalog(nodeDefinitions).describe());
const fileText = graphFileText({ ...emptyGraph('from-disk') });

function fakeBridge() {
  let listener: ((command: MenuCommand) => void) | undefined;
  const bridge = {
    openGraphFile: vi.fn(async () => ({ path: '/graphs/from-disk.rewatch.json', text: fileText })),
    openRecentFile: vi.fn(async (path: string) => ({ path, text: fileText })),
    recentFiles: vi.fn(async () => ['/graphs/from-disk.rewatch.json']),
    saveGraphFile: vi.fn(async (request: { path?: string; suggestedName: string; text: string }) => ({ path: request.path ?? `/chosen/${request.suggestedName}` })),
    revealInFolder: vi.fn(async () => {}),
    secretNames: vi.fn(async () => []),
    setSecret: vi.fn(async () => {}),
    deleteSecret: vi.fn(async () => {}),
    onMenuCommand(l: (command: MenuCommand) => void) {
      listener = l;
      return () => (listener = undefined);
    },
    send: (command: MenuCommand) => listener?.(command),
  };
  return bridge satisfies DesktopBridge;
}

function setup(access: Parameters<typeof createFileActions>[1]) {
  const doc = graphToDoc(emptyGraph('untitled'));
  const editor = createEditorStore(catalog, doc);
  const files = createFileStore(docText(doc));
  const toasts = createToastStore();
  const runs = createRunsStore();
  const engine = {} as never;
  const actions = createFileActions({ engine, editor, files, toasts, catalog, runs }, access);
  return { editor, files, toasts, runs, actions };
}

beforeEach(() => {
  const data = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  });
  vi.stubGlobal('window', { confirm: () => true });
});

describe('desktop file access', () => {
  it('opens through the bridge and loads the graph, remembering its path', async () => {
    const bridge = fakeBridge();
    const { editor, files, actions } = setup(desktopFileAccess(bridge));
    await actions.open();
    expect(bridge.openGraphFile).toHaveBeenCalledOnce();
    expect(editor.getState().meta.name).toBe('from-disk');
    expect(files.getState()).toMatchObject({ fileName: 'from-disk.rewatch.json', path: '/graphs/from-disk.rewatch.json', savedText: fileText });
  });

  it('opening another graph stops showing the previous graph’s run; saving keeps it', async () => {
    const bridge = fakeBridge();
    const { runs, actions } = setup(desktopFileAccess(bridge));
    runs.getState().apply({ type: 'run-started', runId: 'r1', graphName: 'untitled', nodeIds: ['a'] });
    await actions.save();
    expect(runs.getState().viewedRunId).toBe('r1');
    await actions.open();
    expect(runs.getState().viewedRunId).toBeNull();
  });

  it('saves the canonical text to the remembered path without asking; Save As asks', async () => {
    const bridge = fakeBridge();
    const { editor, files, actions } = setup(desktopFileAccess(bridge));
    await actions.open();
    editor.getState().setName('renamed');
    await actions.save();
    const text = docText(editor.getState());
    expect(bridge.saveGraphFile).toHaveBeenLastCalledWith({ path: '/graphs/from-disk.rewatch.json', suggestedName: 'from-disk.rewatch.json', text });
    expect(files.getState()).toMatchObject({ savedText: text, path: '/graphs/from-disk.rewatch.json' });

    await actions.saveAs();
    expect(bridge.saveGraphFile).toHaveBeenLastCalledWith({ path: undefined, suggestedName: 'from-disk.rewatch.json', text });
    expect(files.getState()).toMatchObject({ path: '/chosen/from-disk.rewatch.json', fileName: 'from-disk.rewatch.json' });
  });

  it('asks on the first save of a new graph, then writes there again', async () => {
    const bridge = fakeBridge();
    const { actions } = setup(desktopFileAccess(bridge));
    await actions.save();
    expect(bridge.saveGraphFile.mock.calls[0]![0].path).toBeUndefined();
    await actions.save();
    expect(bridge.saveGraphFile.mock.calls[1]![0].path).toBe('/chosen/untitled.rewatch.json');
  });

  it('a cancelled dialog changes nothing', async () => {
    const bridge = fakeBridge();
    bridge.openGraphFile.mockResolvedValueOnce(null as never);
    bridge.saveGraphFile.mockResolvedValueOnce(null as never);
    const { editor, files, actions } = setup(desktopFileAccess(bridge));
    await actions.open();
    await actions.save();
    expect(editor.getState().meta.name).toBe('untitled');
    expect(files.getState().path).toBeNull();
  });

  it('opens a recent file by path', async () => {
    const bridge = fakeBridge();
    const { editor, actions } = setup(desktopFileAccess(bridge));
    expect((await actions.recent()).map((r) => r.label)).toEqual(['from-disk.rewatch.json']);
    await actions.openRecent('/graphs/from-disk.rewatch.json');
    expect(bridge.openRecentFile).toHaveBeenCalledWith('/graphs/from-disk.rewatch.json');
    expect(editor.getState().meta.name).toBe('from-disk');
  });

  it('menu commands drive the command table: undo undoes, save saves', async () => {
    const bridge = fakeBridge();
    const { editor, toasts, actions } = setup(desktopFileAccess(bridge));
    const runs = { runAll: vi.fn(), runTo: vi.fn(), rerunFrom: vi.fn(), retryFailed: vi.fn(), tryOn: vi.fn(), cancel: vi.fn() };
    const showSettings = vi.fn();
    const commands = createCommands({ files: actions, runs, editor, runsStore: createRunsStore(), toasts, showTemplates: vi.fn(), showSettings });
    const stop = listenToMenu(bridge, commands);
    editor.getState().addNode('core.llm-map', { x: 0, y: 0 });
    expect(editor.getState().nodes).toHaveLength(1);
    bridge.send('undo');
    expect(editor.getState().nodes).toHaveLength(0);
    bridge.send('redo');
    expect(editor.getState().nodes).toHaveLength(1);
    bridge.send('run');
    expect(runs.runAll).toHaveBeenCalledOnce();
    bridge.send('settings');
    expect(showSettings).toHaveBeenCalledOnce();
    bridge.send('save');
    await vi.waitFor(() => expect(bridge.saveGraphFile).toHaveBeenCalledOnce());
    stop();
    bridge.send('undo');
    expect(editor.getState().nodes).toHaveLength(1);
  });
});

describe('browser file access (no bridge)', () => {
  it('open shows the page file picker; save downloads and keeps the recent copy', async () => {
    const chooseFile = vi.fn();
    const download = vi.fn();
    const { editor, files, actions } = setup(browserFileAccess({ chooseFile, download }));
    await actions.open();
    expect(chooseFile).toHaveBeenCalledOnce();
    actions.openText(fileText, 'from-disk.rewatch.json');
    expect(editor.getState().meta.name).toBe('from-disk');
    await actions.save();
    expect(download).toHaveBeenCalledWith('from-disk.rewatch.json', fileText);
    expect(files.getState()).toMatchObject({ fileName: 'from-disk.rewatch.json', path: null });
    expect((await actions.recent()).map((r) => r.key)).toEqual(['from-disk.rewatch.json']);
    expect(listenToMenu(undefined, {} as never)).toBeTypeOf('function');
  });
});

describe('saving never writes a secret', () => {
  const KEY = 'sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789';
  const leaky = graphFileText({
    ...emptyGraph('leaky'),
    description: `uses ${KEY}`,
    nodes: [{ id: 'ask', type: 'core.llm-map', typeVersion: 1, position: { x: 0, y: 0 }, notes: 'ok', config: { prompt: 'Hi', apiKey: 'plain-key' } }],
  });

  it('a download holds no secret; the editor drops it too and says where it was', async () => {
    const download = vi.fn();
    const { editor, files, toasts, actions } = setup(browserFileAccess({ chooseFile: vi.fn(), download }));
    actions.openText(leaky, 'leaky.rewatch.json');
    await actions.save();
    const written = download.mock.calls[0]![1] as string;
    expect(written).not.toContain(KEY);
    expect(written).not.toContain('plain-key');
    expect(JSON.parse(written).nodes[0].config).toEqual({ prompt: 'Hi' });
    expect(docText(editor.getState())).toBe(written);
    expect(files.getState()).toMatchObject({ savedText: written, currentText: written });
    expect(toasts.getState().toasts.at(-1)!.text).toContain('description, nodes[ask].config.apiKey');
  });

  it('the desktop bridge is sent the text without secrets', async () => {
    const bridge = fakeBridge();
    const { actions } = setup(desktopFileAccess(bridge));
    actions.openText(leaky, 'leaky.rewatch.json');
    await actions.save();
    const { text } = bridge.saveGraphFile.mock.calls[0]![0];
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('plain-key');
  });
});
