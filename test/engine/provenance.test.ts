/**
 * A row's provenance in a real run of the paper's pipeline (real engine, ffmpeg and LLM client; a scripted model
 * behind every profile): from a reward or a QA row, the engine finds its whole lineage across the run's outputs by the
 * ids items carry, nothing of another question, and the exported rows it became; the HTTP route answers the same.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Provenance, ProvenanceRow, RunDetail } from '../../main/api/contract.ts';
import type { Engine } from '../../main/engine/engine.ts';
import { createApiServer, createToken } from '../../main/server/index.ts';
import type { CoT, FilterVerdict, MCQ, QA, RewardBreakdown } from '../../nodes/rewatch/types.ts';
import { createHttpEngineClient } from '../../renderer/api/index.ts';
import { openEngine, runToEnd, tempDir } from '../support/engine-fixture.ts';
import { paperGraphOnShortVideos } from '../support/paper-graph.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { createScriptedModel, roleProfiles } from '../support/scripted-model.ts';

const VERDICT_NODES = ['f1', 'f2', 'f3'];

describe("a row's provenance in a run of the paper's pipeline", () => {
  let dir: ReturnType<typeof tempDir>;
  let llm: ScriptedLlmServer;
  let engine: Engine;
  let run: RunDetail;

  const all = async <T>(nodeId: string, port: string) =>
    (await engine.nodeOutput(run.runId, nodeId, port, { limit: 1000 })).items.map((i) => ({ nodeId, port, seq: i.seq, data: i.data as T }));
  const key = (r: { nodeId: string; port: string; seq: number }) => `${r.nodeId}.${r.port}#${r.seq}`;
  const ofType = <T>(p: Provenance, dataType: string) => p.rows.filter((r) => r.dataType === dataType) as Array<ProvenanceRow & { data: T }>;

  beforeAll(async () => {
    dir = tempDir('rewatch-provenance-');
    const model = createScriptedModel();
    llm = await startScriptedLlmServer({ respond: (request) => model.respond(request) });
    engine = openEngine(join(dir.path, 'data'), roleProfiles(llm.baseURL));
    const pointed = await paperGraphOnShortVideos(dir.path);
    run = await runToEnd(engine, pointed);
    expect(run.status).toBe('done');
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    await llm?.close();
    dir?.remove();
  });

  it('follows a reward back to its CoT, trajectory, question, QA, every verdict, caption and video, and on to the exported rows', async () => {
    const [reward] = await all<RewardBreakdown>('reward', 'rewards');
    const provenance = await engine.provenance(run.runId, { nodeId: 'reward', port: 'rewards', seq: reward!.seq });
    expect(provenance.origin).toMatchObject({ nodeId: 'reward', port: 'rewards', seq: reward!.seq, dataType: 'RewardBreakdown', data: reward!.data });

    const cot = ofType<CoT>(provenance, 'CoT').find((r) => r.data.id === reward!.data.responseId)!.data;
    expect(provenance.rows.some((r) => r.dataType === 'Trajectory' && (r.data as { id: string }).id === cot.trajectoryId)).toBe(true);
    const question = provenance.rows.find((r) => (r.data as { id?: string }).id === cot.questionId)!.data as MCQ | QA;
    const qaId = 'qaId' in question ? question.qaId : question.id;
    // Only this question's QA and MCQ, wherever they went (F1 kept, F2/F3 kept, the split that took them).
    expect(ofType<QA>(provenance, 'QA').map((r) => r.data.id)).toEqual(expect.arrayContaining([qaId]));
    for (const r of ofType<QA>(provenance, 'QA')) expect(r.data.id).toBe(qaId);
    for (const r of ofType<MCQ>(provenance, 'MCQ')) expect(r.data.qaId).toBe(qaId);
    // Every filter's verdict on it, and no other.
    const verdicts = (await Promise.all(VERDICT_NODES.map((id) => all<FilterVerdict>(id, 'verdicts')))).flat().filter((v) => v.data.qaId === qaId);
    expect(verdicts.map((v) => v.data.stage).sort()).toEqual(['F1', 'F2', 'F3']);
    expect(ofType<FilterVerdict>(provenance, 'FilterVerdict').map(key).sort()).toEqual(verdicts.map(key).sort());
    // What it was made over.
    const distinctIds = (dataType: string) => [...new Set(ofType<{ id: string }>(provenance, dataType).map((r) => r.data.id))];
    expect(distinctIds('DenseCaption')).toEqual([cot.captionId]);
    expect(distinctIds('Video')).toEqual([cot.videoId]);
    // The SFT rows it became mention its question.
    expect(provenance.exported.length).toBeGreaterThan(0);
    for (const row of provenance.exported) {
      expect(['sft', 'grpo']).toContain(row.nodeId);
      const text = JSON.stringify(row.row);
      expect(text.includes(JSON.stringify(cot.question).slice(1, -1)) || text.includes(cot.questionId)).toBe(true);
    }
    expect(provenance.exported.some((r) => r.nodeId === 'sft' && JSON.stringify(r.row).includes(JSON.stringify(cot.text).slice(1, -1)))).toBe(true);
  });

  it("answers for a question row with every verdict on it and what became of it, and nothing of another question's", async () => {
    const qas = await all<QA>('qa', 'qa');
    for (const qa of qas) {
      const provenance = await engine.provenance(run.runId, { nodeId: 'qa', port: 'qa', seq: qa.seq });
      const verdicts = (await Promise.all(VERDICT_NODES.map((id) => all<FilterVerdict>(id, 'verdicts')))).flat().filter((v) => v.data.qaId === qa.data.id);
      expect(ofType<FilterVerdict>(provenance, 'FilterVerdict').map(key).sort()).toEqual(verdicts.map(key).sort());
      for (const r of provenance.rows) {
        const d = r.data as { id?: string; qaId?: string; open?: { id: string } };
        if (r.dataType === 'QA') expect(d.id).toBe(qa.data.id);
        if (r.dataType === 'MCQ' || r.dataType === 'FilterVerdict' || r.dataType === 'RejectedMCQ') expect(d.qaId).toBe(qa.data.id);
      }
      // Dropped by a filter: nothing past it; kept through F3: its MCQ reached a split.
      const dropped = verdicts.find((v) => !v.data.kept);
      const reachedSplit = provenance.rows.some((r) => r.nodeId === 'split-mc' || r.nodeId === 'split-open');
      expect(reachedSplit).toBe(dropped === undefined && verdicts.length === 3);
    }
  });

  it('refuses a row the run does not have, naming it, and serves the same answer over HTTP', async () => {
    await expect(engine.provenance(run.runId, { nodeId: 'qa', port: 'qa', seq: 99_999 })).rejects.toThrow('"qa.qa" has no row 99999');
    await expect(engine.provenance(run.runId, { nodeId: 'qa', port: 'nope', seq: 0 })).rejects.toThrow('node "qa" has no stored output "nope"');
    const token = createToken();
    const server = await createApiServer({ engine, token, resolveMedia: (hash) => engine.mediaPath(hash) }).listen();
    try {
      const client = createHttpEngineClient({ baseUrl: server.url, token, WebSocket });
      const ref = { nodeId: 'cot', port: 'cot', seq: 0 };
      expect(await client.provenance(run.runId, ref)).toEqual(await engine.provenance(run.runId, ref));
      await expect(client.provenance(run.runId, { nodeId: 'qa', port: 'qa', seq: 99_999 })).rejects.toMatchObject({ status: 404 });
    } finally {
      await server.close();
    }
  });
});
