import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAPER } from '../../../nodes/rewatch/report/paper.ts';
import type { DatasetReport, ReportFigure } from '../../../nodes/rewatch/report/types.ts';
import {
  CoTType,
  DatasetType,
  DenseCaptionType,
  FilterVerdictType,
  MCQType,
  QAType,
  QUESTION_TYPES,
  SegmentType,
  SummaryType,
  TrajectoryType,
  VideoType,
  type MCQ,
} from '../../../nodes/rewatch/types.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../support/scripted-llm-server.ts';
import { corpus as exportCorpus } from '../export/support.ts';
import { captions, cot, dataset, generatedQa, multipleChoice, segments, summaries, trajectory, verdicts, videos } from './corpus.ts';
import { openReportEngine, type Feed } from './support.ts';

type ProbeReply = 'correct' | 'wrong' | 'unparsable' | 'fail';

/** What the scripted probe does for each question, by question text. */
const script = new Map<string, { mcq: MCQ; reply: ProbeReply }>();

function probeReply(prompt: string): string {
  const entry = [...script.values()].find(({ mcq }) => prompt.includes(mcq.question));
  if (!entry) throw new Error(`no scripted reply for ${prompt}`);
  const { mcq, reply } = entry;
  const wrong = mcq.answer === 'A' ? 'B' : 'A';
  switch (reply) {
    case 'correct':
      return mcq.answer;
    case 'wrong':
      return `(${wrong}) ${mcq.options[wrong.charCodeAt(0) - 65]}`;
    case 'unparsable':
      return 'I cannot tell without watching the video.';
    case 'fail':
      throw new Error('the probe server is down');
  }
}

const byId = (report: DatasetReport) => new Map<string, ReportFigure>(report.figures.map((f) => [f.id, f]));
const pct = (part: number, whole: number) => (part / whole) * 100;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function expectValues(report: DatasetReport, expected: Record<string, number | null>) {
  const figures = byId(report);
  for (const [id, value] of Object.entries(expected)) {
    const actual = figures.get(id)?.value;
    if (value === null) expect(actual, id).toBeNull();
    else expect(actual, id).toBeCloseTo(value, 9);
  }
}

describe('rewatch.dataset-report', () => {
  let server: ScriptedLlmServer;
  let harness: ReturnType<typeof openReportEngine>;

  beforeEach(async () => {
    script.clear();
    server = await startScriptedLlmServer({
      respond(request) {
        if (request.model !== 'prober') throw new Error(`unexpected model ${request.model}`);
        return probeReply(String(request.messages.at(-1)?.content));
      },
    });
    harness = openReportEngine(server.baseURL);
  });

  afterEach(async () => {
    await harness.close();
    await server.close();
  });

  it('computes every figure from the items of a run and sets it beside the paper’s', async () => {
    const qa = generatedQa();
    const { f1, f2, f3, kept } = verdicts(qa);
    const mcqs = kept.map(multipleChoice);
    const open = kept;
    const accepted = [trajectory(mcqs[0]!, 1, true), trajectory(mcqs[1]!, 2, true), trajectory(mcqs[2]!, 1, true)];
    const rejected = [trajectory(mcqs[3]!, 4, false)];
    const cots = [cot(accepted[0]!, 1, 120), cot(accepted[1]!, 2, 250), cot(accepted[2]!, 4)];
    const sft = { caption: 3, direct: 10, cot: 3 };
    const grpo = { train: 9, val: 1 };
    const replies: ProbeReply[] = ['correct', 'wrong', 'unparsable', 'correct', 'fail'];
    mcqs.forEach((mcq, i) => script.set(mcq.id, { mcq, reply: replies[i % replies.length]! }));

    const one = (type: Feed['type'], items: unknown[]): Feed[] => [{ type, items }];
    const report = await harness.run(
      { sampleSize: 0 },
      {
        videos: one(VideoType, videos()),
        segments: one(SegmentType, segments()),
        captions: one(DenseCaptionType, captions()),
        summaries: one(SummaryType, summaries()),
        qa: one(QAType, qa),
        verdicts: [f1, f2, f3].map((items) => ({ type: FilterVerdictType, items })),
        mcq: one(MCQType, mcqs),
        open: one(QAType, open),
        trajectories: one(TrajectoryType, accepted),
        rejected: one(TrajectoryType, rejected),
        cots: one(CoTType, cots),
        datasets: [
          { type: DatasetType, items: [dataset('sft', 'llamafactory', sft), dataset('sft', 'ms-swift', sft)] },
          { type: DatasetType, items: [dataset('grpo', 'easyr1', grpo), dataset('grpo', 'verl', grpo), dataset('grpo', 'ms-swift', grpo)] },
        ],
      },
    );

    // Recomputed here from the items, independently of the node.
    const caps = captions();
    const events = caps.reduce((n, c) => n + c.events.length, 0);
    const final = new Map([...mcqs.map((m) => [m.open.id, m.open] as const), ...open.map((q) => [q.id, q] as const)]);
    const probeShare = (verdictList: typeof f2, probe: string) => {
      const answers = verdictList.flatMap((v) => v.probes.filter((p) => p.probe === probe));
      return pct(answers.filter((a) => a.correct).length, answers.length);
    };
    const stage = (id: string, list: typeof f2) => ({
      [`${id}-kept`]: list.filter((v) => v.kept).length,
      [`${id}-kept-ratio`]: pct(list.filter((v) => v.kept).length, list.length),
      [`${id}-accuracy`]: mean(list.map((v) => v.accuracy)) * 100,
    });
    const actionCounts = cots.map((c) => c.text.split('<action>').length - 1);
    const graded = mcqs.map((m) => script.get(m.id)!.reply).filter((r) => r !== 'fail');
    const typeShares = Object.fromEntries(
      QUESTION_TYPES.map((type) => [
        `type-${type.replace(/\s+/g, '-').toLowerCase()}`,
        pct([...final.values()].filter((q) => q.type === type).length, final.size),
      ]),
    );
    expectValues(report, {
      videos: videos().length,
      segments: segments().length,
      captions: caps.length,
      'caption-events': events,
      summaries: summaries().length,
      'qa-generated': qa.length,
      ...stage('F1', f1),
      ...stage('F2', f2),
      ...stage('F3', f3),
      'F2-probe-probe-text': probeShare(f2, 'probe-text'),
      'F2-probe-probe-vlm': probeShare(f2, 'probe-vlm'),
      'F3-probe-probe-text': probeShare(f3, 'probe-text'),
      'F3-probe-probe-vlm': probeShare(f3, 'probe-vlm'),
      'multiple-choice': mcqs.length,
      open: open.length,
      'qa-pairs': mcqs.length + open.length,
      'react-attempts': [...accepted, ...rejected].reduce((n, t) => n + t.attempt, 0),
      trajectories: accepted.length,
      cots: cots.length,
      'cots-mc': cots.filter((c) => c.form === 'mc').length,
      'cots-open': null,
      'caption-fps-min': null,
      'sft-rows-caption': sft.caption,
      'sft-rows-direct': sft.direct,
      'sft-rows-cot': sft.cot,
      'grpo-rows-train': grpo.train,
      'grpo-rows-val': grpo.val,
      questions: final.size,
      'question-videos': new Set([...final.values()].map((q) => q.videoId)).size,
      'question-types': new Set([...final.values()].map((q) => q.type)).size,
      ...typeShares,
      'events-per-minute': events / (caps.reduce((s, c) => s + c.duration, 0) / 60),
      acceptance: pct(accepted.length, accepted.length + rejected.length),
      'steps-mean': mean(actionCounts),
      'steps-max': Math.max(...actionCounts),
      'actions-on-qa': mean(actionCounts),
      'response-tokens': mean(cots.flatMap((c) => (c.completionTokens === undefined ? [] : [c.completionTokens]))),
      'text-only-accuracy': pct(graded.filter((r) => r === 'correct').length, graded.length),
    });
    expect(report.figures.map((f) => f.id).sort()).toEqual(
      [
        ...['videos', 'segments', 'captions', 'caption-events', 'summaries', 'qa-generated'],
        ...['F1', 'F2', 'F3'].flatMap((s) => [`${s}-kept`, `${s}-kept-ratio`, `${s}-accuracy`]),
        ...['F2', 'F3'].flatMap((s) => [`${s}-probe-probe-text`, `${s}-probe-probe-vlm`]),
        ...['multiple-choice', 'open', 'qa-pairs', 'react-attempts', 'trajectories', 'cots', 'cots-mc', 'cots-open'],
        ...['sft-rows-caption', 'sft-rows-direct', 'sft-rows-cot', 'grpo-rows-train', 'grpo-rows-val'],
        ...['questions', 'question-videos', 'question-types', ...Object.keys(typeShares), 'events-per-minute', 'caption-fps-min'],
        ...['acceptance', 'steps-mean', 'steps-max', 'actions-on-qa', 'response-tokens', 'text-only-accuracy'],
      ].sort(),
    );

    // Each figure the paper gives sits beside it, with its source; the others say it gives none.
    const figures = byId(report);
    const cited = {
      captions: PAPER.captions,
      'multiple-choice': PAPER.multipleChoice,
      open: PAPER.open,
      'qa-pairs': PAPER.qaPairs,
      cots: PAPER.cots,
      questions: PAPER.questions,
      'question-videos': PAPER.questionVideos,
      'question-types': PAPER.questionTypes,
      'steps-mean': PAPER.stepsMean,
      'steps-max': PAPER.stepsMax,
      'actions-on-qa': PAPER.actionsOnQa,
      'response-tokens': PAPER.responseTokens,
      'text-only-accuracy': PAPER.textOnlyAccuracy,
    };
    for (const f of report.figures) expect(f.paper, f.id).toEqual(cited[f.id as keyof typeof cited] ?? null);

    // The files: the JSON holds the figures and the probe's details, the Markdown a row per figure.
    const out = harness.outDir;
    expect(report.files.map((f) => f.path)).toEqual([join(out, 'dataset-report.json'), join(out, 'dataset-report.md')]);
    expect(JSON.parse(readFileSync(join(out, 'dataset-report.json'), 'utf8'))).toEqual({ figures: report.figures, textOnly: report.textOnly });
    const markdown = readFileSync(join(out, 'dataset-report.md'), 'utf8');
    expect(markdown).toContain('| figure | this run | paper | run / paper | computed from |');
    expect(markdown).toContain(`| Chains of thought | 3 | 135,000 | ${Number((3 / 135_000).toPrecision(3))}× |`);
    expect(markdown).toContain(
      `| Response length in tokens, mean | ${mean([120, 250]).toFixed(2)} | 398.75 (Video-R1-QA: 205.74) |`,
    );
    expect(markdown).toContain('| Segments | 4 | no figure in the paper | — |');
    for (const f of report.figures) expect(markdown, f.id).toContain(`| ${f.label} |`);
    for (const f of report.figures.filter((x) => x.paper)) expect(markdown).toContain(f.paper!.source);
    const unparsable = mcqs.filter((m) => script.get(m.id)!.reply === 'unparsable').map((m) => m.id);
    expect(markdown).toContain(`Replies naming no option (${unparsable.length};`);
    expect(figures.get('steps-mean')!.basis).toContain('<action> blocks per CoT');
    expect(markdown).toContain('&lt;action> blocks per CoT');
  });

  it('grades the text-only probe by option letter: unparsable replies count wrong and are kept, failed requests are left out', async () => {
    const mcqs = exportCorpus(8).questions;
    const replies: ProbeReply[] = ['correct', 'unparsable', 'wrong', 'correct', 'fail', 'correct', 'unparsable', 'wrong'];
    mcqs.forEach((mcq, i) => script.set(mcq.id, { mcq, reply: replies[i]! }));

    const report = await harness.run({ sampleSize: 0 }, { mcq: [{ type: MCQType, items: mcqs }] });

    const ids = (reply: ProbeReply) => mcqs.filter((m) => script.get(m.id)!.reply === reply).map((m) => m.id).sort();
    const probe = report.textOnly!;
    expect(probe).toMatchObject({ probe: 'probe-text', questions: mcqs.length, asked: mcqs.length, correct: ids('correct').length });
    expect(probe.unparsable.map((u) => u.questionId).sort()).toEqual(ids('unparsable'));
    for (const u of probe.unparsable) expect(u.reply).toBe('I cannot tell without watching the video.');
    expect(probe.failed.map((f) => f.questionId)).toEqual(ids('fail'));
    expect(probe.failed[0]!.error).toContain('the probe server is down');
    const answered = mcqs.length - ids('fail').length;
    expect(byId(report).get('text-only-accuracy')!.value).toBeCloseTo(pct(ids('correct').length, answered), 9);

    // The probe saw each question with its options and nothing else: one text message, no video.
    const asked = server.requests.filter((r) => !r.fault);
    for (const mcq of mcqs) {
      const request = asked.find((r) => String(r.messages[0]!.content).includes(mcq.question))!;
      expect(request.messages).toHaveLength(1);
      expect(typeof request.messages[0]!.content).toBe('string');
      mcq.options.forEach((option, i) => expect(request.messages[0]!.content).toContain(`${'ABCD'[i]}. ${option}`));
    }
  });

  it('asks a seeded sample of sampleSize questions, the same for the same seed', async () => {
    const mcqs = exportCorpus(10).questions;
    for (const mcq of mcqs) script.set(mcq.id, { mcq, reply: 'correct' });
    const askedQuestions = () => new Set(server.requests.map((r) => mcqs.find((m) => String(r.messages[0]!.content).includes(m.question))!.id));

    const first = await harness.run({ sampleSize: 4, seed: 7 }, { mcq: [{ type: MCQType, items: mcqs }] });
    const sample = askedQuestions();
    expect(sample.size).toBe(4);
    expect(first.textOnly).toMatchObject({ questions: 10, asked: 4, correct: 4 });
    expect(byId(first).get('text-only-accuracy')!.basis).toContain('4 of 10 multiple-choice questions asked');

    const again = openReportEngine(server.baseURL);
    try {
      server.requests.length = 0;
      await again.run({ sampleSize: 4, seed: 7 }, { mcq: [{ type: MCQType, items: [...mcqs].reverse() }] });
      expect(askedQuestions()).toEqual(sample);
    } finally {
      await again.close();
    }
  });

  it('asks nothing when the probe is off, and leaves every figure without items empty', async () => {
    const mcqs = exportCorpus(3).questions;
    const report = await harness.run({ probeTextOnly: false }, { mcq: [{ type: MCQType, items: mcqs }] });
    expect(server.requests).toHaveLength(0);
    expect(report.textOnly).toBeNull();
    const figures = byId(report);
    expect(figures.get('text-only-accuracy')!.value).toBeNull();
    expect(figures.get('multiple-choice')!.value).toBe(3);
    for (const id of ['videos', 'captions', 'cots', 'steps-mean', 'response-tokens', 'events-per-minute', 'acceptance']) {
      expect(figures.get(id)!.value, id).toBeNull();
    }
    expect([...figures.keys()].some((id) => id.startsWith('F1') || id.startsWith('sft-'))).toBe(false);
  });
});
