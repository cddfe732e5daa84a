/**
 * Every sampling node sends its `seed` config with each request and keeps it in its cache key: the seed reaches the
 * server, another seed re-runs the node (and `explain` names the field), the same seed again is taken from the cache.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import { Engine } from '../../main/engine/engine.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import { DenseCaptionType, SummaryType, TrajectoryType, type Trajectory } from '../../nodes/rewatch/types.ts';
import { RecordType, type DataType } from '../../nodes/sdk/index.ts';
import { profile, runToEnd, tempDir } from '../support/engine-fixture.ts';
import { itemSource } from '../support/item-sources.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { denseCaption, nodeGraph, sourceType } from './reasoning/support.ts';

const CAPTION = denseCaption('c1', [{ start: 0, end: 20, text: 'A man waters three plants.' }], 20);

const TRAJECTORY: Trajectory = {
  id: 't1',
  questionId: 'q1',
  videoId: CAPTION.videoId,
  videoPath: CAPTION.videoPath,
  captionId: CAPTION.id,
  question: 'How many plants does he water?',
  form: 'open',
  groundTruth: 'three',
  steps: [{ thought: 'The caption says three.', action: { name: 'answer', argument: 'three' }, observation: '' }],
  finalAnswer: 'three',
  correct: true,
  attempt: 1,
};

/** Each sampling node, the items it is fed (by input port), and the profile (= model name) it calls. */
const CASES: Array<{ type: string; profile: string; inputs: Record<string, { type: DataType; items: unknown[] }> }> = [
  { type: 'rewatch.summarizer', profile: 'summary-llm', inputs: { captions: { type: DenseCaptionType, items: [CAPTION] } } },
  {
    type: 'rewatch.contrastive-qa',
    profile: 'qa-llm',
    inputs: {
      captions: { type: DenseCaptionType, items: [CAPTION] },
      summaries: { type: SummaryType, items: [{ id: 's1', videoId: CAPTION.videoId, captionId: CAPTION.id, text: 'A man gardens.' }] },
    },
  },
  { type: 'core.llm-map', profile: 'default-llm', inputs: { items: { type: RecordType, items: [{ n: 1 }, { n: 2 }] } } },
  { type: 'rewatch.cot-convert', profile: 'convert-llm', inputs: { trajectories: { type: TrajectoryType, items: [TRAJECTORY] } } },
];

function reply(request: ScriptedChatRequest): string {
  switch (request.model) {
    case 'qa-llm':
      return JSON.stringify({
        questions: [{ question: 'How many plants?', answer: 'Three', type: 'counting', evidence: '00:00-00:20' }],
      });
    case 'convert-llm':
      return 'The caption says he waters three plants.\n<answer>three</answer>';
    default:
      return 'A man gardens.';
  }
}

describe('sampling seeds', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;

  beforeAll(async () => {
    dir = tempDir('rewatch-seeds-');
    server = await startScriptedLlmServer({ respond: reply });
    const sources = [DenseCaptionType, SummaryType, TrajectoryType, RecordType].map((type) =>
      itemSource(sourceType(type), { items: type }),
    );
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      catalog: new NodeCatalog([...nodeDefinitions, ...sources]),
      providers: CASES.map((c) => profile(c.profile, server.baseURL, { model: c.profile })),
      llmBackoff: { baseMs: 5, capMs: 50 },
    });
  });
  afterAll(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it.each(CASES)('$type sends its seed, and another seed re-runs it', async ({ type, profile: model, inputs }) => {
    const graph = (seed: number) => ({ ...nodeGraph({ type, config: { seed } }, inputs), name: `seeds-${type}` });
    const requests = () => server.requests.filter((r) => r.model === model);

    const first = await runToEnd(engine, graph(11));
    expect(first.nodes.find((n) => n.nodeId === 'n')).toMatchObject({ state: 'done', itemsFailed: 0 });
    const sent = requests().length;
    expect(sent).toBeGreaterThan(0);
    expect(requests().map((r) => r.body.seed)).toEqual(Array(sent).fill(11));

    const [explanation] = await engine.explain(graph(12), 'n');
    expect(explanation).toMatchObject({ cached: false, changes: [{ kind: 'config', field: 'seed' }] });
    const second = await runToEnd(engine, graph(12));
    expect(second.nodes.find((n) => n.nodeId === 'n')?.state).toBe('done');
    expect(requests().slice(sent).map((r) => r.body.seed)).toEqual(Array(sent).fill(12));

    const again = await runToEnd(engine, graph(11));
    expect(again.nodes.find((n) => n.nodeId === 'n')?.state).toBe('cached');
    expect(requests()).toHaveLength(2 * sent);
  });
});
