/**
 * Backpressure: a fast map node fanning out far more rows than its slow downstream map node has consumed leaves them
 * in the store; the downstream node holds at most a page of them in memory.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { defineMapNode, RecordType } from '../../nodes/sdk/index.ts';
import { openEngine, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';

const SOURCE_ITEMS = 50;
const FAN = 400;
const ROWS = SOURCE_ITEMS * FAN;
/** A page of the mapped input (`PAGE_ROWS` in main/engine/input-stream.ts) plus the items being worked on. */
const CONSUMER_CONCURRENCY = 2;
const BOUND = 1000 + CONSUMER_CONCURRENCY;

describe('a slow map node behind a fast fan-out', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  /** Rows of `fan` read from the store for `consume`, and items `consume` has started. */
  let read: number;
  let started: number;
  let mostHeld: number;
  let startedWhenFanDone: number | undefined;
  let fanDone: Promise<void>;

  const fan = defineMapNode({
    type: 'test.fan-out',
    version: 1,
    title: 'Fan out',
    category: 'Test',
    description: 'Many rows per item.',
    inputs: { items: { type: RecordType, description: 'Items.' } },
    outputs: { rows: { type: RecordType, description: 'FAN rows per item.' } },
    config: z.object({}),
    over: 'items',
    async execute(_ctx, { items }) {
      return { rows: Array.from({ length: FAN }, (_, k) => ({ n: items.n ?? null, k })) };
    },
  });

  const consume = defineMapNode({
    type: 'test.consume',
    version: 1,
    title: 'Consume',
    category: 'Test',
    description: 'Waits for the fan-out to finish before its first item, then takes its time.',
    inputs: { rows: { type: RecordType, description: 'Rows.' } },
    outputs: { items: { type: RecordType, description: 'The rows.' } },
    config: z.object({}),
    over: 'rows',
    concurrency: CONSUMER_CONCURRENCY,
    async execute(_ctx, { rows }) {
      started += 1;
      mostHeld = Math.max(mostHeld, read - started);
      await fanDone;
      return { items: [rows] };
    },
  });

  function graph(input: string): GraphFile {
    const node = (id: string, type: string, x: number) => ({ id, type, typeVersion: 1, position: { x, y: 0 }, config: {} });
    return {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'fan',
      nodes: [
        { ...node('src', 'core.jsonl-source', 0), config: { path: input } },
        node('fan', 'test.fan-out', 1),
        node('consume', 'test.consume', 2),
      ],
      edges: [
        { id: 'a', from: { node: 'src', port: 'items' }, to: { node: 'fan', port: 'items' } },
        { id: 'b', from: { node: 'fan', port: 'rows' }, to: { node: 'consume', port: 'rows' } },
      ],
    };
  }

  beforeEach(() => {
    dir = tempDir();
    engine = openEngine(join(dir.path, 'data'), [], new NodeCatalog([...nodeDefinitions, fan, consume]));
    read = 0;
    started = 0;
    mostHeld = 0;
    startedWhenFanDone = undefined;
    fanDone = new Promise((resolve) =>
      engine.subscribe((event) => {
        if (event.type === 'node-state' && event.nodeId === 'fan' && event.state === 'done') {
          startedWhenFanDone = started;
          resolve();
        }
      }),
    );
    // Count what the engine reads of `fan`'s rows (its live prefix, then its stored output): the real reads, observed.
    const portRows = engine.store.items.portRows.bind(engine.store.items);
    vi.spyOn(engine.store.items, 'portRows').mockImplementation((...args) => {
      const rows = portRows(...args);
      if (args[1] === 'fan') read += rows.length;
      return rows;
    });
    const rawPage = engine.store.outputs.rawPage.bind(engine.store.outputs);
    vi.spyOn(engine.store.outputs, 'rawPage').mockImplementation((...args) => {
      const rows = rawPage(...args);
      if (args[1] === 'rows') read += rows.length;
      return rows;
    });
  });

  afterEach(async () => {
    await engine.close();
    dir.remove();
  });

  it(`holds at most ${BOUND} of ${ROWS} unconsumed rows in memory`, async () => {
    const input = writeJsonl(join(dir.path, 'in.jsonl'), Array.from({ length: SOURCE_ITEMS }, (_, n) => ({ n })));
    const run = await runToEnd(engine, graph(input));
    expect(run.status).toBe('done');
    expect(run.nodes.find((n) => n.nodeId === 'consume')).toMatchObject({ itemsDone: ROWS, itemsTotal: ROWS });
    // The consumer had started only its first items when the fan-out finished: nearly every row waited unconsumed.
    expect(startedWhenFanDone).toBeLessThanOrEqual(CONSUMER_CONCURRENCY);
    expect(read).toBe(ROWS);
    expect(mostHeld).toBeGreaterThan(0);
    expect(mostHeld).toBeLessThanOrEqual(BOUND);
  });
});
