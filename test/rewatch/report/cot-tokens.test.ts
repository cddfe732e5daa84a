import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { TrajectoryType, type CoT, type Trajectory } from '../../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { nodeGraph, openEngine } from '../reasoning/support.ts';

const trajectory: Trajectory = {
  id: 't-1',
  questionId: 'q-1',
  videoId: 'video-1',
  videoPath: '/videos/1.mp4',
  captionId: 'cap-1',
  question: 'What does the man open?',
  options: ['The fridge', 'The red door'],
  groundTruth: 'B',
  steps: [
    { thought: 'Look closer.', action: { name: 'segment_query', argument: '00:10-00:20' }, observation: 'He opens a red door.' },
    { thought: 'The door.', action: { name: 'answer', argument: 'B' }, observation: '' },
  ],
  finalAnswer: 'B',
  correct: true,
  attempt: 1,
};

let dir: ReturnType<typeof tempDir>;
let server: ScriptedLlmServer;
let engine: Engine;

beforeEach(async () => {
  dir = tempDir();
  server = await startScriptedLlmServer({
    respond: () =>
      'I re-watch the moment.\n<action>segment_query(00:10-00:20)</action>\n<observation>He opens a red door.</observation>\nIt is the door.\n<answer>B</answer>',
  });
  engine = openEngine(join(dir.path, 'data'), server.baseURL);
});

afterEach(async () => {
  await engine.close();
  await server.close();
  dir.remove();
});

it('rewatch.cot-convert records the completion tokens the server reported for the conversion', async () => {
  const graph = nodeGraph({ type: 'rewatch.cot-convert' }, { trajectories: { type: TrajectoryType, items: [trajectory] } });
  const { runId, status, nodes } = await runToEnd(engine, graph);
  expect(status).toBe('done');
  const [cot] = (await engine.nodeOutput(runId, 'n', 'cot', {})).items.map((i) => i.data as CoT);
  const converter = nodes.find((n) => n.nodeId === 'n')!;
  expect(converter.tokensOut).toBeGreaterThan(0);
  expect(cot!.completionTokens).toBe(converter.tokensOut);
});
