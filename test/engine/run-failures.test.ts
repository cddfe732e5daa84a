import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routes, type RunDetail, type RunEvent } from '../../main/api/contract.ts';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { createApiServer, createToken, type RunningServer } from '../../main/server/index.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { defineOnceNode, RecordType } from '../../nodes/sdk/index.ts';
import { openEngine, tempDir } from '../support/engine-fixture.ts';

/** An error whose message cannot be read: `String()` and `.message` both throw. */
class UnreadableError extends Error {
  override get message(): string {
    throw new Error('the message getter throws');
  }
}

const oddThrows: Record<string, () => unknown> = {
  'null-prototype': () => Object.create(null),
  'unreadable-message': () => new UnreadableError(),
  'undefined': () => undefined,
  'hostile-proxy': () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('proxy get');
        },
        getPrototypeOf: () => {
          throw new Error('proxy getPrototypeOf');
        },
      },
    ),
};

const oddNode = defineOnceNode({
  type: 'test.odd-throw',
  version: 1,
  title: 'Odd throw',
  category: 'Test',
  description: 'Throws something that is not a plain Error.',
  inputs: {},
  outputs: { items: { type: RecordType, description: 'never written' } },
  config: z.object({ kind: z.enum(Object.keys(oddThrows) as [string, ...string[]]) }),
  async execute(_ctx, _inputs, { kind }) {
    throw oddThrows[kind]!();
  },
});

const quietNode = defineOnceNode({
  type: 'test.quiet',
  version: 1,
  title: 'Quiet',
  category: 'Test',
  description: 'Outputs one record.',
  inputs: {},
  outputs: { items: { type: RecordType, description: 'one record' } },
  config: z.object({}),
  async execute() {
    return { items: [{ ok: true }] };
  },
});

function singleNodeGraph(type: string, config: Record<string, unknown>): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'one-node',
    nodes: [{ id: 'only', type, typeVersion: 1, position: { x: 0, y: 0 }, config }],
    edges: [],
  };
}

/** A graph request body whose node config holds `{"a": {"a": …}}` `depth` levels deep, as text (stringify would overflow). */
function deepGraphBody(depth: number): string {
  const graph = JSON.stringify({ graph: singleNodeGraph('test.quiet', { deep: '@DEEP@' }) });
  return graph.replace('"@DEEP@"', `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`);
}

describe('a run that fails in unexpected ways ends as failed, never the engine', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  let server: RunningServer;
  let token: string;

  const api = (path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  /** Starts a run over HTTP and resolves with its `run-finished` event. */
  async function runOverHttp(graph: GraphFile): Promise<Extract<RunEvent, { type: 'run-finished' }>> {
    let resolveFinished!: (event: Extract<RunEvent, { type: 'run-finished' }>) => void;
    const finished = new Promise<Extract<RunEvent, { type: 'run-finished' }>>((resolve) => (resolveFinished = resolve));
    let runId: string | undefined;
    const seen: Extract<RunEvent, { type: 'run-finished' }>[] = [];
    const off = engine.subscribe((event) => {
      if (event.type !== 'run-finished') return;
      if (runId === undefined) seen.push(event);
      else if (event.runId === runId) resolveFinished(event);
    });
    const response = await api('/api/runs', { graph });
    expect(response.status).toBe(201);
    runId = ((await response.json()) as { runId: string }).runId;
    const early = seen.find((e) => e.runId === runId);
    if (early) resolveFinished(early);
    const event = await finished;
    off();
    return event;
  }

  beforeAll(async () => {
    dir = tempDir();
    engine = openEngine(join(dir.path, 'data'), [], new NodeCatalog([...nodeDefinitions, oddNode, quietNode]));
    token = createToken();
    server = await createApiServer({ engine, token, resolveMedia: () => undefined }).listen();
  });

  afterAll(async () => {
    await server.close();
    await engine.close();
    dir.remove();
  });

  for (const kind of Object.keys(oddThrows)) {
    it(`a node that throws ${kind} fails its run, and the server still answers`, async () => {
      const finished = await runOverHttp(singleNodeGraph('test.odd-throw', { kind }));
      expect(finished.status).toBe('failed');
      const detail = (await (await api(`/api/runs/${finished.runId}`)).json()) as RunDetail;
      expect(detail.status).toBe('failed');
      // The node that threw is the one recorded as failed, with a readable description of what it threw.
      expect(detail.nodes).toEqual([expect.objectContaining({ nodeId: 'only', state: 'failed', error: expect.stringMatching(/\S/) })]);
      expect((await api('/api/runs')).status).toBe(200);
    });
  }

  const bookkeepingFailures: Record<string, { graph: GraphFile; when: (event: RunEvent) => boolean }> = {
    'announcing the run': { graph: singleNodeGraph('test.quiet', {}), when: (event) => event.type === 'run-started' },
    'recording a failed node': {
      graph: singleNodeGraph('test.odd-throw', { kind: 'undefined' }),
      when: (event) => event.type === 'node-state' && event.state === 'failed',
    },
  };
  for (const [moment, { graph, when }] of Object.entries(bookkeepingFailures)) {
    it(`a failure in the run's bookkeeping (${moment}) fails the run with its message; the next run works`, async () => {
      const off = engine.subscribe((event) => {
        if (when(event)) throw new Error(`listener broke while ${moment}`);
      });
      try {
        const finished = await runOverHttp(graph);
        expect(finished.status).toBe('failed');
        expect(finished.error).toContain(`listener broke while ${moment}`);
        const detail = (await (await api(`/api/runs/${finished.runId}`)).json()) as RunDetail;
        expect(detail.status).toBe('failed');
        expect(detail.error).toContain(`listener broke while ${moment}`);
      } finally {
        off();
      }
      expect((await runOverHttp(singleNodeGraph('test.quiet', {}))).status).toBe('done');
    });
  }

  it('a config nested 5,000 levels deep is refused with its path (400), for validate and run', async () => {
    for (const path of [routes.validate.path, routes.startRun.path]) {
      const response = await api(path, deepGraphBody(5000));
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: string };
      expect(error).toMatch(/nodes\[0 id="only"\]\.config\.deep\.a\.a.*…: nested deeper than 64 levels/);
    }
    expect((await api('/api/runs')).status).toBe(200);
  });
});
