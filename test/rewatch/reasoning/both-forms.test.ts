/**
 * Multiple-choice and open questions through one re-watching run, as the paper builds its CoT set over both forms:
 * ReAct → CoT conversion → O&R reward through the real engine, every role played by the scripted pipeline model.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { parseTaggedResponse } from '../../../nodes/rewatch/reasoning/cot-tags.ts';
import {
  DenseCaptionType,
  MCQType,
  QAType,
  type CoT,
  type RewardBreakdown,
  type Trajectory,
} from '../../../nodes/rewatch/types.ts';
import type { DataType } from '../../../nodes/sdk/index.ts';
import { openEngine, runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { createScriptedModel, roleProfiles, type ScriptedModel } from '../../support/scripted-model.ts';
import { catalog, denseCaption, mcq, openQuestion, sourceType } from './support.ts';

const caption = denseCaption(
  'cap-colours',
  ['red', 'blue', 'green', 'yellow'].map((colour, i) => ({ start: i * 10, end: i * 10 + 9, text: `the screen shows plain ${colour}` })),
  40,
);

const multipleChoice = mcq('mc-blue', caption, 'What colour is the screen from 00:10 to 00:19?', ['green', 'yellow', 'blue', 'red'], 'C');
const open = {
  blue: { ...multipleChoice.open, answer: 'blue' },
  when: openQuestion('qa-when', caption, 'At what time does the screen first turn green?', '00:20'),
  // A wrong reference: the reasoner answers what the caption says, and the judge holds it to the reference.
  wrongReference: openQuestion('qa-wrong', caption, 'What colour is the screen from 00:30 to 00:39?', 'purple'),
};

function graph(): GraphFile {
  const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x: 0, y: 0 }, config });
  const source = (id: string, type: DataType, items: unknown[]) => node(id, sourceType(type), { items });
  const stage = (id: string, type: string, config: Record<string, unknown> = {}) => node(id, type, { maxErrorRatio: 1, ...config });
  const edge = (from: string, fromPort: string, to: string, toPort: string) => ({
    id: `${from}.${fromPort}-${to}.${toPort}`,
    from: { node: from, port: fromPort },
    to: { node: to, port: toPort },
  });
  return {
    format: 'rewatch-studio/graph',
    version: 1,
    name: 'both-forms',
    nodes: [
      source('mcq', MCQType, [multipleChoice]),
      source('open', QAType, Object.values(open)),
      source('captions', DenseCaptionType, [caption]),
      stage('react', 'rewatch.react', { attempts: 2 }),
      stage('cot', 'rewatch.cot-convert'),
      stage('reward', 'rewatch.or-reward'),
    ],
    edges: [
      edge('mcq', 'items', 'react', 'questions'),
      edge('open', 'items', 'react', 'questions'),
      edge('captions', 'items', 'react', 'captions'),
      edge('react', 'trajectories', 'cot', 'trajectories'),
      edge('cot', 'cot', 'reward', 'responses'),
      edge('captions', 'items', 'reward', 'captions'),
    ],
  };
}

describe('multiple-choice and open questions through ReAct, CoT conversion and the O&R reward', () => {
  let dir: ReturnType<typeof tempDir>;
  let model: ScriptedModel;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let runId: string;
  const output = async <T>(nodeId: string, port: string) =>
    (await engine.nodeOutput(runId, nodeId, port, { limit: 100 })).items.map((i) => i.data as T);

  beforeAll(async () => {
    dir = tempDir();
    model = createScriptedModel();
    server = await startScriptedLlmServer({ respond: (request) => model.respond(request) });
    engine = openEngine(join(dir.path, 'data'), roleProfiles(server.baseURL), catalog);
    const run = await runToEnd(engine, graph());
    expect({ status: run.status, error: run.error }).toEqual({ status: 'done', error: null });
    runId = run.runId;
  });

  afterAll(async () => {
    await engine?.close();
    await server?.close();
    dir?.remove();
  });

  it('accepts a trajectory per form, the open answers judged against their reference', async () => {
    const trajectories = await output<Trajectory>('react', 'trajectories');
    const byQuestion = new Map(trajectories.map((t) => [`${t.form} ${t.questionId}`, t]));
    expect([...byQuestion.keys()].sort()).toEqual([`mc mc-blue`, `open ${open.blue.id}`, 'open qa-when']);
    expect(byQuestion.get('mc mc-blue')).toMatchObject({ options: multipleChoice.options, groundTruth: 'C', finalAnswer: 'C', correct: true });
    expect(byQuestion.get(`open ${open.blue.id}`)).toMatchObject({ groundTruth: 'blue', finalAnswer: 'blue', correct: true, attempt: 1 });
    expect(byQuestion.get('open qa-when')).toMatchObject({ groundTruth: '00:20', finalAnswer: '00:20', correct: true, attempt: 1 });
    // The reasoner looked at one timestamp, the middle of the event it retrieved, and saw it with its neighbours.
    const when = byQuestion.get('open qa-when')!;
    expect(when.steps.map((s) => `${s.action.name}(${s.action.argument})`)).toEqual([
      'segment_retrieval(the screen turning green)',
      'segment_query(00:24)',
      'answer(00:20)',
    ]);
    expect(when.steps[1]!.observation).toBe(
      'From 00:10 to 00:19, the screen shows plain blue.\nFrom 00:20 to 00:29, the screen shows plain green.\nFrom 00:30 to 00:39, the screen shows plain yellow.',
    );

    const judged = server.requests.filter((r) => r.model === 'judge-llm').map((r) => String(r.messages[0]!.content));
    expect(judged).toContainEqual(expect.stringContaining('Reference answer: 00:20\nCandidate answer: 00:20\n'));
    expect(model.violations).toEqual([]);
  });

  it('rejects a wrong open answer with the judge’s reason', async () => {
    expect(await output<Trajectory>('react', 'rejected')).toEqual([
      expect.objectContaining({
        questionId: 'qa-wrong',
        form: 'open',
        finalAnswer: 'yellow',
        correct: false,
        attempt: 2,
        failure: 'the judge rejected "yellow" (reference "purple"): The candidate does not state it.',
      }),
    ]);
  });

  it('converts both forms into CoTs that say their form, and rewards the open one through the judge', async () => {
    const trajectories = await output<Trajectory>('react', 'trajectories');
    const cots = await output<CoT>('cot', 'cot');
    const rewards = await output<RewardBreakdown>('reward', 'rewards');
    expect(cots).toHaveLength(3);
    for (const cot of cots) {
      const trajectory = trajectories.find((t) => t.id === cot.trajectoryId)!;
      expect(cot).toMatchObject({ form: trajectory.form, questionId: trajectory.questionId, groundTruth: trajectory.groundTruth });
      expect(parseTaggedResponse(cot.text).answer).toBe(trajectory.finalAnswer);
      // Every observation is what the caption says and the observations alone give the answer: 1·(1 + 1 + 1) + 1.
      const reward = rewards.find((r) => r.responseId === cot.id)!;
      expect(reward).toMatchObject({ rAcc: 1, rObs: 1, rRea: 1, rFmt: 1, total: 4 });
      expect(reward.notes.accuracy).toBe(
        cot.form === 'mc' ? 'chose C, ground truth C' : 'judge: The candidate states the reference answer.',
      );
    }
    const openCot = cots.find((c) => c.form === 'open' && c.questionId === open.blue.id)!;
    expect(openCot).not.toHaveProperty('options');
    expect(parseTaggedResponse(openCot.text).answer).toBe('blue');
  });
});
