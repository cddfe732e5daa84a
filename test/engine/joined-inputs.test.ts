/**
 * Joined side inputs (`join` on a port spec): each mapped item sees only its group of the side input, its item key
 * holds that group, and while the side input streams in, an item that ran on a group that later grew runs again.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { defineMapNode, RecordType, type JsonObject } from '../../nodes/sdk/index.ts';
import { deferred } from '../support/deferred.ts';
import { openEngine, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { itemKeys, runFingerprint } from '../support/run-fingerprint.ts';

/** What each run of `test.joiner` saw: the item's key and the notes of its group. */
let seen: Array<{ key: string; notes: string[] }>;
/** `test.note` holds the note at a position until its promise resolves. */
let holds: Map<number, Promise<void>>;
/** Called when `test.joiner` runs an item, and when `test.after` does. */
let joinerRan: () => void;
let afterRan: () => void;

const note = defineMapNode({
  type: 'test.note',
  version: 1,
  title: 'Note',
  category: 'Test',
  description: 'Passes a note through (the side input, streaming).',
  inputs: { notes: { type: RecordType, description: 'Notes with a `key` and a `position`.' } },
  outputs: { notes: { type: RecordType, description: 'The notes.' } },
  config: z.object({}),
  over: 'notes',
  concurrency: 1,
  async execute(_ctx, { notes }) {
    await holds.get(Number(notes.position));
    return { notes: [notes] };
  },
});

const joiner = defineMapNode({
  type: 'test.joiner',
  version: 1,
  title: 'Joiner',
  category: 'Test',
  description: 'Lists the notes joined to each key.',
  inputs: {
    keys: { type: RecordType, description: 'Records with a `name`.' },
    notes: { type: RecordType, description: 'Notes, joined by `key`.', join: { field: 'key', itemField: 'name' } },
  },
  outputs: { joined: { type: RecordType, description: 'The key with its notes.' } },
  config: z.object({}),
  over: 'keys',
  async execute(_ctx, { keys, notes }) {
    const texts = notes.toArray().map((n) => String((n as JsonObject).text));
    seen.push({ key: String(keys.name), notes: texts });
    joinerRan();
    return { joined: [{ name: keys.name ?? null, notes: texts }] };
  },
});

const after = defineMapNode({
  type: 'test.after',
  version: 1,
  title: 'After',
  category: 'Test',
  description: 'Passes the joined records through (a node downstream of the joiner).',
  inputs: { joined: { type: RecordType, description: 'Joined records.' } },
  outputs: { joined: { type: RecordType, description: 'The same.' } },
  config: z.object({}),
  over: 'joined',
  async execute(_ctx, { joined }) {
    afterRan();
    return { joined: [joined] };
  },
});

describe('joined side inputs', () => {
  let dir: ReturnType<typeof tempDir>;
  let engines: Engine[];
  let keysPath: string;

  const engineAt = (name: string) => {
    const engine = openEngine(join(dir.path, name), [], new NodeCatalog([...nodeDefinitions, note, joiner, after]));
    engines.push(engine);
    return engine;
  };

  function graph(notesPath: string): GraphFile {
    const node = (id: string, type: string, x: number, config: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, position: { x, y: 0 }, config });
    return {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'joined',
      nodes: [
        node('keys', 'core.jsonl-source', 0, { path: keysPath }),
        node('notes-src', 'core.jsonl-source', 0, { path: notesPath }),
        node('notes', 'test.note', 1),
        node('join', 'test.joiner', 2),
        node('after', 'test.after', 3),
      ],
      edges: [
        { id: 'a', from: { node: 'notes-src', port: 'items' }, to: { node: 'notes', port: 'notes' } },
        { id: 'b', from: { node: 'keys', port: 'items' }, to: { node: 'join', port: 'keys' } },
        { id: 'c', from: { node: 'notes', port: 'notes' }, to: { node: 'join', port: 'notes' } },
        { id: 'd', from: { node: 'join', port: 'joined' }, to: { node: 'after', port: 'joined' } },
      ],
    };
  }

  const writeNotes = (name: string, notes: Array<[key: string, text: string]>) =>
    writeJsonl(join(dir.path, name), notes.map(([key, text], position) => ({ key, text, position })));

  beforeEach(() => {
    dir = tempDir();
    engines = [];
    seen = [];
    holds = new Map();
    joinerRan = () => {};
    afterRan = () => {};
    keysPath = writeJsonl(join(dir.path, 'keys.jsonl'), [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  });

  afterEach(async () => {
    for (const engine of engines) await engine.close();
    dir.remove();
  });

  it('hands each item only its group, and re-runs only the items whose group changed', async () => {
    const engine = engineAt('data');
    const first = await runToEnd(engine, graph(writeNotes('notes-1.jsonl', [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['z', 'z1']])));
    expect(first.status).toBe('done');
    expect(new Map(seen.map((s) => [s.key, s.notes]))).toEqual(
      new Map([
        ['a', ['a1', 'a2']],
        ['b', ['b1']],
        ['c', []],
      ]),
    );

    seen = [];
    // Only b's group changes (and a note no key joins is added): a and c come from the item cache.
    const second = await runToEnd(engine, graph(writeNotes('notes-2.jsonl', [['a', 'a1'], ['b', 'b-new'], ['a', 'a2'], ['z', 'z1'], ['y', 'y1']])));
    expect(second.status).toBe('done');
    expect(seen).toEqual([{ key: 'b', notes: ['b-new'] }]);
    expect(second.nodes.find((n) => n.nodeId === 'join')).toMatchObject({ itemsCached: 2, itemsDone: 3 });
  });

  it('runs an item on a streamed group early, and again when the group grows, storing what a barrier run stores', async () => {
    const notes = writeNotes('notes.jsonl', [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['c', 'c1']]);
    // The second note of "a" waits until the joiner ran an item: by then "a" looked complete (a "b" note followed it).
    // The last note waits until the node after the joiner took a row: it read the early result of "a".
    const [joined, passed] = [deferred(), deferred()];
    joinerRan = joined.resolve;
    afterRan = passed.resolve;
    holds = new Map([
      [2, joined.promise],
      [3, passed.promise],
    ]);
    const streaming = await runToEnd(engineAt('streaming'), graph(notes), { execution: 'streaming' });
    expect(streaming.status).toBe('done');
    expect(seen[0]).toEqual({ key: 'a', notes: ['a1'] });
    expect(seen.filter((s) => s.key === 'a').at(-1)).toEqual({ key: 'a', notes: ['a1', 'a2'] });

    holds = new Map();
    const barrier = await runToEnd(engineAt('barrier'), graph(notes), { execution: 'barrier' });
    const nodes = ['notes', 'join', 'after'];
    expect(await runFingerprint(engines[0]!, streaming, nodes)).toEqual(await runFingerprint(engines[1]!, barrier, nodes));
    // The early run of "a" left its result in the cache under its own key; every key of the barrier run is there too.
    const [streamed, barred] = [itemKeys(join(dir.path, 'streaming')), itemKeys(join(dir.path, 'barrier'))];
    // (and the node after it, which took that early result, its item of it).
    expect(streamed.filter((key) => !barred.includes(key))).toHaveLength(2);
    expect(barred.every((key) => streamed.includes(key))).toBe(true);
  });
});
