/**
 * The fleet benchmark's harness end to end at a tiny size: the paper template on 6 generated videos, each model role
 * behind its own pooled scripted server in a child process, run barrier and streaming. Every figure of the report must
 * come from what the servers received; no timing is asserted.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { pooledResponder, type FleetSpec } from '../../bench/gpu-fleet.ts';
import { runPipelineFleet, type FleetReport } from '../../bench/pipeline-fleet.ts';
import { MODEL_ROLES } from '../support/scripted-model.ts';

const VIDEOS = 6;

/** Small latencies, and concurrencies that differ, so a wrong pool in the arithmetic shows. */
const TINY_FLEET: FleetSpec = {
  'segmenter-vlm': { concurrency: 1, latencyMs: 9 },
  'captioner-vlm': { concurrency: 2, latencyMs: 40 },
  'summary-llm': { concurrency: 3, latencyMs: 7 },
  'qa-llm': { concurrency: 2, latencyMs: 11 },
  'judge-llm': { concurrency: 5, latencyMs: 6 },
  'probe-text': { concurrency: 4, latencyMs: 3 },
  'probe-vlm': { concurrency: 3, latencyMs: 4 },
  'reasoner-llm': { concurrency: 2, latencyMs: 8 },
  'observer-llm': { concurrency: 3, latencyMs: 5 },
  'convert-llm': { concurrency: 2, latencyMs: 10 },
};

describe('a simulated GPU pool', () => {
  it('works on `concurrency` requests at once; the rest wait at the server, in arrival order', async () => {
    const count = { requests: 0, maxBusy: 0 };
    const working: Array<{ n: number; finish(): void }> = [];
    const respond = pooledResponder({ concurrency: 2, latencyMs: 0 }, count, (request) => {
      const n = Number(request.model);
      return new Promise((resolve) => working.push({ n, finish: () => resolve(`reply ${n}`) }));
    });
    const replies = [1, 2, 3, 4, 5].map((n) => respond({ model: String(n), messages: [], body: {} }));
    await vi.waitFor(() => expect(working.map((w) => w.n)).toEqual([1, 2]));
    expect(count).toEqual({ requests: 5, maxBusy: 2 });
    working[1]!.finish();
    await vi.waitFor(() => expect(working.map((w) => w.n)).toEqual([1, 2, 3]));
    for (const w of working.slice(0, 3)) w.finish();
    await vi.waitFor(() => expect(working.map((w) => w.n)).toEqual([1, 2, 3, 4, 5]));
    for (const w of working.slice(3)) w.finish();
    expect(await Promise.all(replies)).toEqual(['reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5']);
    expect(count).toEqual({ requests: 5, maxBusy: 2 });
  });
});

describe('bench/pipeline-fleet', () => {
  let report: FleetReport;

  beforeAll(async () => {
    report = await runPipelineFleet({ videos: VIDEOS, spec: TINY_FLEET, executions: ['barrier', 'streaming'] });
  });

  it('counts each pool’s requests at its own server, and they are the requests the engine sent', () => {
    expect(report.executions.map((e) => e.execution)).toEqual(['barrier', 'streaming']);
    for (const e of report.executions) {
      expect(e.pools.map((p) => p.role)).toEqual([...MODEL_ROLES]);
      const pool = (role: string) => e.pools.find((p) => p.role === role)!;
      // One caption request per 4-second video; none is long enough to be segmented.
      expect(pool('captioner-vlm').requests).toBe(VIDEOS);
      expect(pool('segmenter-vlm').requests).toBe(0);
      for (const role of ['summary-llm', 'qa-llm', 'judge-llm', 'probe-text', 'probe-vlm', 'reasoner-llm', 'observer-llm', 'convert-llm']) {
        expect(pool(role).requests, role).toBeGreaterThan(0);
      }
      const sent = e.run.detail.nodes.reduce((sum, n) => sum + n.llmCalls - n.llmCached, 0);
      expect(e.pools.reduce((sum, p) => sum + p.requests, 0)).toBe(sent);
      for (const p of e.pools) expect(p.maxBusy, p.role).toBeLessThanOrEqual(TINY_FLEET[p.role].concurrency);
    }
    // The same graph on a fresh data dir asks every pool for the same work, whatever the execution.
    const [barrier, streaming] = report.executions;
    expect(streaming!.pools.map((p) => p.requests)).toEqual(barrier!.pools.map((p) => p.requests));
  });

  it('derives the ideal from the busiest pool: requests × latency ÷ concurrency', () => {
    for (const e of report.executions) {
      for (const p of e.pools) expect(p.workMs).toBeCloseTo((p.requests * TINY_FLEET[p.role].latencyMs) / TINY_FLEET[p.role].concurrency, 9);
      const most = Math.max(...e.pools.map((p) => p.workMs));
      expect(e.idealMs).toBe(most);
      expect(e.busiest.workMs).toBe(most);
      expect(e.idealMs).toBeGreaterThan(0);
    }
  });

  it('times the first CoT and each node’s span within the run', () => {
    for (const e of report.executions) {
      expect(e.run.node('cot').outputCounts.cot).toBeGreaterThan(0);
      const cot = e.spans.get('cot')!;
      expect(e.firstCotMs).toBeGreaterThanOrEqual(cot.startMs);
      expect(e.firstCotMs).toBeLessThanOrEqual(e.run.wallMs);
      expect([...e.spans.keys()].sort()).toEqual(e.run.detail.nodes.map((n) => n.nodeId).sort());
      for (const [nodeId, span] of e.spans) {
        expect(span.endMs, nodeId).toBeGreaterThanOrEqual(span.startMs);
        expect(span.endMs, nodeId).toBeLessThanOrEqual(e.run.wallMs);
      }
    }
    // A barrier run starts a node once its inputs are whole.
    const barrier = report.executions[0]!.spans;
    expect(barrier.get('summarize')!.startMs).toBeGreaterThanOrEqual(barrier.get('caption')!.endMs!);
  });
});
