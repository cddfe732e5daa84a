import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { combineReward } from '../../../nodes/rewatch/reward/o-and-r.ts';
import { CoTType, DenseCaptionType, type CoT, type RewardBreakdown } from '../../../nodes/rewatch/types.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { definitionOf, runNode } from '../../support/run-node.ts';
import { denseCaption, firstMessage, MODELS, nodeGraph, openEngine } from '../reasoning/support.ts';

describe('combineReward', () => {
  it('is r_acc·(1 + r_obs + r_rea) + r_fmt', () => {
    expect(combineReward({ rAcc: 1, rObs: 0.75, rRea: 1, rFmt: 1 })).toBe(3.75);
    expect(combineReward({ rAcc: 1, rObs: 0, rRea: 0, rFmt: 0 })).toBe(1);
    expect(combineReward({ rAcc: 0, rObs: 1, rRea: 1, rFmt: 1 })).toBe(1);
    expect(combineReward({ rAcc: 0, rObs: 0.5, rRea: 1, rFmt: 0 })).toBe(0);
    expect(combineReward({ rAcc: 1, rObs: 0.5, rRea: 0, rFmt: 1 })).toBe(2.5);
  });
});

const caption = denseCaption(
  'cap-1',
  [
    { start: 10, end: 20, text: 'He opens a red door with his left hand.' },
    { start: 15, end: 30, text: 'A dog runs out through the open door.' },
  ],
  60,
);

const OBS = {
  grounded: 'He opens a red door at 00:10.',
  half: 'A dog, or maybe a cat, runs out.',
  invented: 'A unicorn appears.',
  /** The judge first scores this one off the 0–1 scale, and 1 when asked to repair its reply. */
  overscored: 'The red door opens.',
  /** The judge never scores this one as JSON. */
  unscored: 'Someone leaves.',
};
const observationScores: Record<string, number> = { [OBS.grounded]: 1, [OBS.half]: 0.5, [OBS.invented]: 0 };
const UNSCORED_REPLY = 'I would rather not put a number on this.';

const pair = (action: string, observation: string) => `<action>${action}</action>\n<observation>${observation}</observation>`;
const retrieve = pair('segment_retrieval(a door opens)', OBS.grounded);
const look = (observation: string) => pair('segment_query(00:10-00:30)', observation);

function response(name: string, text: string, open = false): CoT {
  return {
    id: `cot-${name}`,
    trajectoryId: `t-${name}`,
    questionId: `q-${name}`,
    videoId: caption.videoId,
    videoPath: caption.videoPath,
    captionId: caption.id,
    question: `Case ${name}: why does the dog leave?`,
    ...(open ? { form: 'open' as const } : { form: 'mc' as const, options: ['The fridge opens', 'The man opens the door'] }),
    groundTruth: open ? 'the man opened a red door' : 'B',
    text,
  };
}

const responses = {
  correct: response('correct', `Let me check.\n${retrieve}\nCloser.\n${look(OBS.half)}\nSo B.\n<answer>B</answer>`),
  wrong: response('wrong', `Let me check.\n${retrieve}\n${look(OBS.half)}\n<answer>A</answer>`),
  malformed: response('malformed', `${retrieve}\n<action>segment_query(00:10-00:30)</action>\n<answer>B</answer>`),
  open: response('open', `${look(OBS.invented)}\n<answer>the red door was opened</answer>`, true),
  direct: response('direct', 'Obviously B.\n<answer>B</answer>'),
};

/** M_infer's answer per case, from the pairs alone. */
const inferred: Record<string, string> = {
  correct: 'B',
  wrong: 'B',
  malformed: 'A',
  open: 'A red door was opened.',
  restated: 'I think the answer is B.',
  overscored: 'B',
  unscored: 'B',
};

const caseOf = (text: string) => /Case (\w+):/.exec(text)?.[1];

describe('rewatch.or-reward', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: ScriptedLlmServer;
  let engine: Engine;

  beforeEach(async () => {
    dir = tempDir();
    server = await startScriptedLlmServer({
      respond(request) {
        const prompt = firstMessage(request);
        if (request.model === 'inferrer') return inferred[caseOf(prompt)!]!;
        if (request.model !== 'judge') throw new Error(`unexpected model ${request.model}`);
        const observation = /^Observation: (.*)$/m.exec(prompt)?.[1];
        if (observation === OBS.overscored) {
          const repair = request.messages.length > 1;
          return JSON.stringify({ score: repair ? 1 : 1.5, note: repair ? 'rescaled' : 'very well grounded' });
        }
        if (observation === OBS.unscored) return UNSCORED_REPLY;
        if (observation !== undefined) {
          return JSON.stringify({ score: observationScores[observation], note: `judged "${observation}"` });
        }
        const candidate = /^Candidate answer: (.*)$/m.exec(prompt)![1]!;
        return JSON.stringify({ correct: /red door/i.test(candidate), reason: `candidate "${candidate}"` });
      },
    });
    engine = openEngine(join(dir.path, 'data'), server.baseURL);
  });

  afterEach(async () => {
    await engine.close();
    await server.close();
    dir.remove();
  });

  async function score(items: CoT[], config: Record<string, unknown> = {}): Promise<Record<string, RewardBreakdown>> {
    const { outputs, itemErrors } = await runNode(
      definitionOf('rewatch.or-reward'),
      { responses: items, captions: [caption] },
      { config: { infer: 'infer-llm', ...config }, llm: { baseURL: server.baseURL, models: MODELS } },
    );
    expect(itemErrors).toEqual([]);
    const rewards = outputs.rewards as RewardBreakdown[];
    return Object.fromEntries(rewards.map((r) => [r.responseId.replace('cot-', ''), r]));
  }

  const requestsFor = (name: string) => server.requests.filter((r) => caseOf(firstMessage(r)) === name);

  it('scores each response with the formula on hand-computed cases', async () => {
    const rewards = await score(Object.values(responses));

    // Correct letter, pairs judged 1 and 0.5, M_infer recovers B: 1·(1 + 0.75 + 1) + 1.
    expect(rewards.correct).toMatchObject({ rAcc: 1, rObs: 0.75, rRea: 1, rFmt: 1, total: 3.75 });
    expect(rewards.correct!.notes.observations).toEqual([
      { action: 'segment_retrieval(a door opens)', observation: OBS.grounded, score: 1, note: `judged "${OBS.grounded}"` },
      { action: 'segment_query(00:10-00:30)', observation: OBS.half, score: 0.5, note: `judged "${OBS.half}"` },
    ]);
    expect(rewards.correct!.notes).toMatchObject({ accuracy: 'chose B, ground truth B', format: 'well-formed' });

    // Wrong letter: only the format counts, and the judge is not asked about the process.
    expect(rewards.wrong).toMatchObject({ rAcc: 0, rObs: 0, rRea: 0, rFmt: 1, total: 1 });
    expect(rewards.wrong!.notes.reasoning).toContain('not judged');

    // An action without its observation: r_fmt 0; the one complete pair is still judged (1), M_infer answers A.
    expect(rewards.malformed).toMatchObject({ rAcc: 1, rObs: 1, rRea: 0, rFmt: 0, total: 2 });
    expect(rewards.malformed!.notes.format).toContain('has no <observation>');

    // Open question: the judge accepts the answer and M_infer's; the one observation is invented: 1·(1 + 0 + 1) + 1.
    expect(rewards.open).toMatchObject({ rAcc: 1, rObs: 0, rRea: 1, rFmt: 1, total: 3 });

    // No pairs: r_obs = r_rea = 0 without asking anyone.
    expect(rewards.direct).toMatchObject({ rAcc: 1, rObs: 0, rRea: 0, rFmt: 1, total: 2 });

    expect(requestsFor('wrong')).toEqual([]);
    expect(requestsFor('direct')).toEqual([]);
    // Four observation pairs, one of them (the retrieval) in both `correct` and `malformed`: judged once.
    const judged = server.requests.filter((r) => r.model === 'judge' && /^Observation: /m.test(firstMessage(r)));
    expect(judged).toHaveLength(3);
    for (const request of judged) expect(firstMessage(request)).toContain(caption.text);

    // M_infer reads the question and the pairs, not the response's own reasoning or answer.
    const infer = firstMessage(requestsFor('correct').find((r) => r.model === 'inferrer')!);
    expect(infer).toContain('Options:\nA. The fridge opens\nB. The man opens the door');
    expect(infer).toContain(`Action 1: segment_retrieval(a door opens)\nObservation 1: ${OBS.grounded}`);
    expect(infer).toContain(`Action 2: segment_query(00:10-00:30)\nObservation 2: ${OBS.half}`);
    expect(infer).not.toContain('Let me check');
    expect(infer).not.toContain('<answer>');
  });

  it('still fills in r_obs and r_rea for a wrong answer when told to, without changing the total', async () => {
    const rewards = await score([responses.wrong], { skipProcessWhenWrong: false });
    expect(rewards.wrong).toMatchObject({ rAcc: 0, rObs: 0.75, rRea: 1, rFmt: 1, total: 1 });
    expect(rewards.wrong!.notes.accuracy).toBe('chose A, ground truth B');
  });

  it('reads answers as the one answer parser does, and keeps its reason when no option is chosen', async () => {
    const restated = response('restated', `${retrieve}\n<answer>The man opens the door</answer>`);
    const hedged = response('hedged', `${retrieve}\n<answer>A or B</answer>`);
    const rewards = await score([restated, hedged]);
    // The option's text is answer B; M_infer's "I think the answer is B." is B too, not "I": 1·(1 + 1 + 1) + 1.
    expect(rewards.restated).toMatchObject({ rAcc: 1, rObs: 1, rRea: 1, rFmt: 1, total: 4 });
    expect(rewards.restated!.notes.accuracy).toBe('chose B, ground truth B');
    expect(rewards.restated!.notes.reasoning).toBe('M_infer answered "I think the answer is B.": chose B, ground truth B');
    expect(rewards.hedged).toMatchObject({ rAcc: 0, total: 1 });
    expect(rewards.hedged!.notes.accuracy).toBe('no option chosen (the reply names several options as its answer (A, B)), ground truth B');
  });

  it('asks the judge again for a score outside 0–1, and makes a reply that stays unusable an item error with its raw text', async () => {
    const overscored = response('overscored', `${look(OBS.overscored)}\n<answer>B</answer>`);
    const unscored = response('unscored', `${look(OBS.unscored)}\n<answer>B</answer>`);
    const graph = nodeGraph(
      { type: 'rewatch.or-reward', config: { infer: 'infer-llm', maxErrorRatio: 1 } },
      { responses: { type: CoTType, items: [overscored, unscored] }, captions: { type: DenseCaptionType, items: [caption] } },
    );
    const { runId } = await runToEnd(engine, graph);
    const [reward] = (await engine.nodeOutput(runId, 'n', 'rewards', {})).items.map((i) => i.data as RewardBreakdown);
    expect(reward).toMatchObject({ responseId: 'cot-overscored', rObs: 1, total: 4 });
    expect(reward!.notes.observations).toEqual([{ action: 'segment_query(00:10-00:30)', observation: OBS.overscored, score: 1, note: 'rescaled' }]);
    const repair = server.requests.filter((r) => firstMessage(r).includes(`Observation: ${OBS.overscored}`) && r.messages.length > 1);
    expect(repair.map((r) => String(r.messages.at(-1)!.content))).toEqual([expect.stringContaining('/score: Too big: expected number to be <=1')]);

    expect((await engine.nodeErrors(runId, 'n', {})).errors).toEqual([
      expect.objectContaining({ seq: 1, message: expect.stringContaining('does not match the JSON schema'), raw: UNSCORED_REPLY }),
    ]);
  });

  it('makes a ground truth that names no option an item error', async () => {
    const { itemErrors } = await runNode(
      definitionOf('rewatch.or-reward'),
      { responses: [{ ...responses.direct, groundTruth: 'E' }], captions: [caption] },
      { llm: { baseURL: server.baseURL, models: MODELS } },
    );
    expect(itemErrors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('the ground truth "E" names no option: the reply answers E, which is not an option (A–B)') }),
    ]);
  });

  it('makes a missing caption an item error', async () => {
    const orphan = { ...responses.correct, captionId: 'cap-missing' };
    const { itemErrors } = await runNode(
      definitionOf('rewatch.or-reward'),
      { responses: [orphan], captions: [caption] },
      { llm: { baseURL: server.baseURL, models: MODELS } },
    );
    expect(itemErrors).toEqual([
      expect.objectContaining({ index: 0, message: expect.stringContaining('cap-missing') }),
    ]);
  });
});
