import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EngineApi, RunEvent } from '../../main/api/contract.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { createApiServer, createToken, type RunningServer } from '../../main/server/index.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { openEngine, tempDir, writeJsonl } from '../support/engine-fixture.ts';

const ROWS = 120_000;

function sourceGraph(input: string): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'big',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, config: { path: input } },
      {
        id: 'odd',
        type: 'core.filter',
        typeVersion: 1,
        position: { x: 1, y: 0 },
        config: { field: 'odd', operator: 'truthy', concurrency: 64 },
      },
    ],
    edges: [{ id: 'e', from: { node: 'src', port: 'items' }, to: { node: 'odd', port: 'items' } }],
  };
}

describe('the local server over the real engine', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  let server: RunningServer;
  let client: EngineApi;
  let token: string;
  let runId: string;
  const events: RunEvent[] = [];

  beforeAll(async () => {
    dir = tempDir();
    engine = openEngine(join(dir.path, 'data'));
    token = createToken();
    server = await createApiServer({ engine, token, resolveMedia: (hash) => engine.mediaPath(hash) }).listen();
    client = createHttpEngineClient({ baseUrl: server.url, token, WebSocket });
    const input = writeJsonl(
      join(dir.path, 'big.jsonl'),
      Array.from({ length: ROWS }, (_, n) => ({ n, odd: n % 2 === 1, text: n % 1000 === 7 ? `needle ${n}` : `row ${n}` })),
    );
    const stop = client.subscribe((e) => events.push(e));
    ({ runId } = await client.startRun({ graph: sourceGraph(input) }));
    await new Promise<void>((resolve) => {
      const off = client.subscribe((e) => e.type === 'run-finished' && e.runId === runId && (off(), resolve()));
    });
    stop();
  }, 120_000);

  afterAll(async () => {
    await server.close();
    await engine.close();
    dir.remove();
  });

  it('refuses requests without the token', async () => {
    const bare = await fetch(`${server.url}/api/runs`);
    expect(bare.status).toBe(401);
    const wrong = await fetch(`${server.url}/api/runs`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
  });

  it('streamed the run events over the WebSocket', () => {
    const mine = events.filter((e) => 'runId' in e && e.runId === runId);
    expect(mine[0]).toMatchObject({ type: 'run-started', nodeIds: ['src', 'odd'] });
    expect(mine.filter((e) => e.type === 'node-state' && e.state === 'done').map((e) => (e as { nodeId: string }).nodeId)).toEqual([
      'src',
      'odd',
    ]);
  });

  it('pages a 120k-row output without sending it whole', async () => {
    const run = await client.getRun(runId);
    expect(run.status).toBe('done');
    expect(run.nodes.find((n) => n.nodeId === 'odd')!.outputCounts).toEqual({ kept: ROWS / 2, dropped: ROWS / 2 });

    const last = await client.nodeOutput(runId, 'src', 'items', { offset: ROWS - 5, limit: 10 });
    expect(last.total).toBe(ROWS);
    expect(last.items.map((i) => i.seq)).toEqual([0, 1, 2, 3, 4].map((k) => ROWS - 5 + k));
    expect(last.items.map((i) => (i.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4].map((k) => ROWS - 5 + k));

    const kept = await client.nodeOutput(runId, 'odd', 'kept', { offset: 1000, limit: 3 });
    expect(kept.items.map((i) => (i.data as { n: number }).n)).toEqual([2001, 2003, 2005]);

    const found = await client.nodeOutput(runId, 'src', 'items', { search: 'NEEDLE', limit: 1000 });
    expect(found.total).toBe(ROWS / 1000);
    expect((found.items[1]!.data as { text: string }).text).toBe('needle 1007');

    const where = await client.nodeOutput(runId, 'src', 'items', { where: 'n=4242' });
    expect(where.items.map((i) => i.seq)).toEqual([4242]);

    await expect(client.nodeOutput(runId, 'src', 'items', { limit: 100_000 })).rejects.toMatchObject({ status: 400 });
    await expect(client.nodeOutput(runId, 'src', 'nope', {})).rejects.toMatchObject({ status: 404 });
  });

  it('serves a stored blob with range requests', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
    const { hash } = await engine.store.blobs.put(bytes, 'video/mp4');
    const response = await fetch(`${server.url}/api/media/${hash}?token=${token}`, { headers: { range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes.subarray(100, 200));
  });

  it('serves a source file a node hashed, while it is unchanged', async () => {
    const path = join(dir.path, 'clip.mp4');
    writeFileSync(path, Buffer.alloc(1000, 7));
    const hash = await engine.store.blobs.fileHash(path);
    const url = `${server.url}/api/media/${hash}?token=${token}`;
    const served = await fetch(url, { headers: { range: 'bytes=0-9' } });
    expect(served.status).toBe(206);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.alloc(10, 7));
    writeFileSync(path, Buffer.alloc(999, 1));
    expect((await fetch(url)).status).toBe(404);
  });

  it('lists provider profile and host names without secrets', async () => {
    expect(await client.settings()).toEqual({ providers: [], hosts: ['local'], dataDir: join(dir.path, 'data') });
  });

  it('answers an invalid graph with the error list', async () => {
    const graph = sourceGraph('/nonexistent.jsonl');
    graph.edges = [];
    await expect(client.startRun({ graph })).rejects.toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ nodeId: 'odd', field: 'items', message: 'required input "items" is not connected' })],
    });
  });
});
