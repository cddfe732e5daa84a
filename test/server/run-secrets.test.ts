import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../main/graph/format.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { createApiServer, createToken, type RunningServer } from '../../main/server/index.ts';
import { openEngine, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';

const OPENAI_KEY = 'sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789';
const HF_TOKEN = 'hf_abcdefghijklmnopqrstuvwxyz012345';

/** A graph that validates and runs, with secrets wherever a graph holds free text or kept keys. */
function leakyGraph(input: string): GraphFile {
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'leaky',
    description: `try it with ${OPENAI_KEY}`,
    apiKey: 'top-level-plain-key',
    nodes: [
      { id: 'src', type: 'core.jsonl-source', typeVersion: 1, position: { x: 0, y: 0 }, notes: `token ${HF_TOKEN}`, config: { path: input } },
      {
        id: 'keep',
        type: 'core.filter',
        typeVersion: 1,
        position: { x: 1, y: 0 },
        label: 'Keep',
        password: 'node-level-unknown-key',
        config: { field: 'tag', operator: 'equals', value: HF_TOKEN },
      },
    ],
    edges: [{ id: 'e', from: { node: 'src', port: 'items' }, to: { node: 'keep', port: 'items' } }],
  };
}

const SECRETS = [OPENAI_KEY, HF_TOKEN, 'top-level-plain-key', 'node-level-unknown-key'];
const REMOVED = ['description', 'apiKey', 'nodes[src].notes', 'nodes[keep].password', 'nodes[keep].config.value'];

describe('run records never keep or serve a secret', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;
  let server: RunningServer;
  let token: string;
  const getRun = async (runId: string) =>
    (await fetch(`${server.url}/api/runs/${runId}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<{
      graph: GraphFile;
      removedSecrets: string[];
      status: string;
    }>;

  beforeAll(async () => {
    dir = tempDir();
    engine = openEngine(join(dir.path, 'data'));
    token = createToken();
    server = await createApiServer({ engine, token, resolveMedia: () => undefined }).listen();
  });
  afterAll(async () => {
    await server.close();
    await engine.close();
    dir.remove();
  });

  it('runs the graph as sent, records it without secrets and lists where they were', async () => {
    const input = writeJsonl(join(dir.path, 'in.jsonl'), [{ tag: HF_TOKEN }, { tag: 'other' }]);
    const { runId, status } = await runToEnd(engine, leakyGraph(input));
    expect(status).toBe('done');
    // The filter compared against the value as sent.
    expect((await engine.nodeOutput(runId, 'keep', 'kept', {})).total).toBe(1);

    const served = await getRun(runId);
    expect([...served.removedSecrets].sort()).toEqual([...REMOVED].sort());
    const text = JSON.stringify(served);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(served.graph.nodes.map((n) => n.id)).toEqual(['src', 'keep']);
    expect(served.graph.nodes[1]).toMatchObject({ label: 'Keep', config: { field: 'tag', operator: 'equals' } });

    const db = new Database(join(dir.path, 'data', 'rewatch.db'), { readonly: true });
    const row = db.prepare('SELECT graph_json, removed_secrets_json FROM runs WHERE id = ?').get(runId) as Record<string, string>;
    db.close();
    for (const secret of SECRETS) expect(row.graph_json).not.toContain(secret);
    expect(JSON.parse(row.removed_secrets_json!).sort()).toEqual([...REMOVED].sort());
  });

  it('serves a run recorded with secrets by an older version without them', async () => {
    engine.store.runs.createRun({
      runId: 'old-run',
      graphName: 'leaky',
      graphJson: JSON.stringify(leakyGraph('/data/in.jsonl')),
      removedSecrets: [],
      options: {},
    });
    const served = await getRun('old-run');
    for (const secret of SECRETS) expect(JSON.stringify(served)).not.toContain(secret);
    expect([...served.removedSecrets].sort()).toEqual([...REMOVED].sort());
  });
});
