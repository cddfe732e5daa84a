import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { TrajectoryType, type CoT, type Trajectory } from '../../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { definitionOf, runNode } from '../../support/run-node.ts';
import { firstMessage, MODELS, nodeGraph, openEngine } from './support.ts';

function trajectory(id: string, question: string): Trajectory {
  return {
    id,
    questionId: `q-${id}`,
    videoId: 'video-1',
    videoPath: '/videos/1.mp4',
    captionId: 'cap-1',
    question,
    form: 'mc',
    options: ['The fridge opens', 'The man opens the red door'],
    groundTruth: 'B',
    steps: [
      {
        thought: 'I need to see when a door opens.',
        action: { name: 'segment_retrieval', argument: 'the man opens a door' },
        observation: 'Matching events: [00:10-00:20], [01:05-01:15]',
      },
      {
        thought: 'The first one is likely.',
        action: { name: 'segment_query', argument: '00:10-00:20' },
        observation: 'The man opens a red door and a dog runs out.',
      },
      { thought: 'The door let the dog out.', action: { name: 'answer', argument: 'B' }, observation: '' },
    ],
    finalAnswer: 'B',
    correct: true,
    attempt: 1,
  };
}

const retrieval = '<action>segment_retrieval(the man opens a door)</action>\n<observation>A door opens at [00:10-00:20] and at [01:05-01:15].</observation>';
const query = '<action>segment_query(00:10 - 00:20)</action>\n<observation>The man opens a red door and a dog runs out.</observation>';

const conversions: Record<string, string> = {
  good: `Let me find when a door opens.\n${retrieval}\nThe first opening looks relevant, so I look closer.\n${query}\nThe dog leaves through the door he opened.\n<answer>B</answer>`,
  'no-observation': `First I search.\n${retrieval}\nThen I look.\n<action>segment_query(00:10-00:20)</action>\nSo it is B.\n<answer>B</answer>`,
  unbalanced: `First I search.\n${retrieval}\n<action>segment_query(00:10-00:20)</action>\n<observation>The man opens a red door.\n<answer>B</answer>`,
  'wrong-answer': `First I search.\n${retrieval}\n${query}\nSo it must be the fridge.\n<answer>A</answer>`,
  'wrong-order': `${query}\n${retrieval}\n<answer>B</answer>`,
};

describe('rewatch.cot-convert', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;

  beforeEach(async () => {
    dir = tempDir();
    server = await startScriptedLlmServer({
      respond(request) {
        if (request.model !== 'converter') throw new Error(`unexpected model ${request.model}`);
        const variant = /^Question: Case (\S+)\?/m.exec(firstMessage(request))?.[1];
        return conversions[variant!]!;
      },
    });
    engine = openEngine(join(dir.path, 'data'), server.baseURL);
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  it('keeps a CoT whose tags match the trajectory and rejects the others with their raw text', async () => {
    const names = Object.keys(conversions);
    const { outputs, itemErrors } = await runNode(
      definitionOf('rewatch.cot-convert'),
      { trajectories: names.map((name) => trajectory(`t-${name}`, `Case ${name}?`)) },
      { config: { maxErrorRatio: 1 }, llm: { baseURL: server.baseURL, models: MODELS } },
    );

    expect(outputs.cot).toEqual([
      expect.objectContaining({
        trajectoryId: 't-good',
        questionId: 'q-t-good',
        captionId: 'cap-1',
        videoId: 'video-1',
        groundTruth: 'B',
        options: ['The fridge opens', 'The man opens the red door'],
        text: conversions.good,
      }),
    ]);

    const prompt = firstMessage(server.requests.find((r) => firstMessage(r).includes('Case good?'))!);
    expect(prompt).toContain('Options:\nA. The fridge opens\nB. The man opens the red door');
    expect(prompt).toContain('Action: segment_query(00:10-00:20)\nObservation: The man opens a red door and a dog runs out.');
    expect(prompt).toContain('Final answer: B');

    const byName = Object.fromEntries(itemErrors.map((e) => [names[e.index]!, e]));
    expect(Object.keys(byName).sort()).toEqual(['no-observation', 'unbalanced', 'wrong-answer', 'wrong-order']);
    for (const [name, error] of Object.entries(byName)) expect(error.raw).toBe(conversions[name]);
    expect(byName['no-observation']!.message).toContain('<action>segment_query(00:10-00:20)</action> has no <observation>');
    expect(byName.unbalanced!.message).toContain('<answer> opens inside <observation>');
    expect(byName['wrong-answer']!.message).toContain(`the answer is "A", the trajectory's is "B"`);
    expect(byName['wrong-order']!.message).toContain(
      `action 1 is "segment_query(00:10 - 00:20)", the trajectory's is "segment_retrieval(the man opens a door)"`,
    );
  });

  it('records on each CoT the completion tokens the server reported for its conversion', async () => {
    const graph = nodeGraph(
      { type: 'rewatch.cot-convert' },
      { trajectories: { type: TrajectoryType, items: [trajectory('t-good', 'Case good?')] } },
    );
    const { runId, status, nodes } = await runToEnd(engine, graph);
    expect(status).toBe('done');
    const [cot] = (await engine.nodeOutput(runId, 'n', 'cot', {})).items.map((i) => i.data as CoT);
    const converter = nodes.find((n) => n.nodeId === 'n')!;
    expect(converter.tokensOut).toBeGreaterThan(0);
    expect(cot!.completionTokens).toBe(converter.tokensOut);
  });
});
