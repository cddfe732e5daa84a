import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../main/api/contract.ts';
import { type Harness, startHarness } from './harness.ts';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('engine routes through the HTTP client', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('serves catalog, validate and explain', async () => {
    expect((await h.client.catalog()).dataTypes[0]?.id).toBe('video');
    expect(await h.client.validate({ nodes: [] })).toEqual({ ok: true, errors: [], notices: [] });
    expect((await h.client.validate({})).ok).toBe(false);
    expect(await h.client.explain({ nodes: [] }, 'n1')).toEqual([expect.objectContaining({ nodeId: 'n1' })]);
    expect(h.engine.calls.at(-1)).toEqual(['explain', { nodes: [] }, 'n1']);
  });

  it('starts, lists, gets and cancels runs', async () => {
    const { runId } = await h.client.startRun({ graph: { nodes: [] }, until: 'b', noCache: true });
    expect(h.engine.calls.at(-1)).toEqual(['startRun', { graph: { nodes: [] }, until: 'b', noCache: true }]);
    expect((await h.client.listRuns()).map((run) => run.runId)).toContain(runId);
    expect((await h.client.getRun(runId)).status).toBe('running');
    expect(await h.client.cancelRun(runId)).toEqual({ cancelled: true });
    expect((await h.client.getRun(runId)).status).toBe('cancelled');
  });

  it('answers an invalid graph with 400 and the validation errors, rethrown by the client', async () => {
    const error = await rejection(h.client.startRun({ graph: { name: 'no nodes' } }));
    expect(error.status).toBe(400);
    expect(error.message).toBe('graph is invalid');
    expect(error.errors).toEqual([{ nodeId: '', field: 'nodes', message: 'a graph needs a nodes array' }]);

    const response = await fetch(`${h.url}/api/runs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ graph: 1 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'graph is invalid',
      errors: [expect.objectContaining({ field: 'nodes' })],
    });
  });

  it('answers a malformed request body with 400 naming the field', async () => {
    const post = (body: string) =>
      fetch(`${h.url}/api/runs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
        body,
      });
    const wrongType = await post(JSON.stringify({ graph: {}, noCache: 'yes' }));
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).error).toMatch(/^noCache: /);
    const notJson = await post('{graph');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'request body must be JSON' });
  });

  it('passes output paging and filters through, with defaults', async () => {
    const { runId } = await h.client.startRun({ graph: { nodes: [] } });
    const query = { offset: 10, limit: 5, search: '"n":1', where: 'kept=true' };
    const page = await h.client.nodeOutput(runId, 'node/1 é', 'out', query);
    expect(h.engine.calls.at(-1)).toEqual(['nodeOutput', runId, 'node/1 é', 'out', query]);
    expect(page).toMatchObject({ nodeId: 'node/1 é', port: 'out', offset: 10 });
    expect(page.items.map((item) => item.seq)).toEqual([19, 100, 101, 102, 103]); // "n":1 matches 1, 10–19, 100–199

    await h.client.nodeOutput(runId, 'n', 'out', {});
    expect(h.engine.calls.at(-1)).toEqual(['nodeOutput', runId, 'n', 'out', { offset: 0, limit: 100 }]);
  });

  it('validates output paging: limit over 1000 and negative offsets are 400', async () => {
    const { runId } = await h.client.startRun({ graph: { nodes: [] } });
    const tooMany = await rejection(h.client.nodeOutput(runId, 'n', 'out', { limit: 1001 }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.message).toMatch(/^limit: /);
    expect((await rejection(h.client.nodeOutput(runId, 'n', 'out', { offset: -1 }))).message).toMatch(/^offset: /);
    expect((await rejection(h.client.nodeErrors(runId, 'n', { limit: 5000 }))).status).toBe(400);
  });

  it('serves item errors with paging', async () => {
    const { runId } = await h.client.startRun({ graph: { nodes: [] } });
    expect((await h.client.nodeErrors(runId, 'n', { offset: 2 })).errors).toHaveLength(1);
    expect(h.engine.calls.at(-1)).toEqual(['nodeErrors', runId, 'n', { offset: 2, limit: 100 }]);
    await h.client.nodeErrors(runId, 'n', { search: 'not JSON' });
    expect(h.engine.calls.at(-1)).toEqual(['nodeErrors', runId, 'n', { offset: 0, limit: 100, search: 'not JSON' }]);
  });

  it('maps engine ApiErrors to their status', async () => {
    const missing = await rejection(h.client.getRun('run-404'));
    expect(missing.status).toBe(404);
    expect(missing.message).toBe('no run run-404');
    expect(missing.errors).toBeUndefined();
  });

  it('answers unexpected engine failures with 500 and the message only', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = vi.spyOn(h.engine, 'listRuns').mockRejectedValueOnce(new Error('disk on fire'));
    try {
      const response = await fetch(`${h.url}/api/runs`, { headers: { Authorization: `Bearer ${h.token}` } });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'disk on fire' });
      expect(quiet).toHaveBeenCalled();
    } finally {
      failing.mockRestore();
      quiet.mockRestore();
    }
  });

  it('answers unknown API routes with 404 JSON and the plain events route with 426', async () => {
    const auth = { headers: { Authorization: `Bearer ${h.token}` } };
    const unknown = await fetch(`${h.url}/api/nope`, auth);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no route GET /api/nope' });
    expect((await fetch(`${h.url}/api/events`, auth)).status).toBe(426);
    expect((await fetch(`${h.url}/`, auth)).status).toBe(404);
  });
});
