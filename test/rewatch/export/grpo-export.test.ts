import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeGroundTruth } from '../../../nodes/rewatch/export/ground-truth.ts';
import { DEFAULT_THINKING_INSTRUCTION } from '../../../nodes/rewatch/export/prompts.ts';
import { MCQType, QAType } from '../../../nodes/rewatch/types.ts';
import { MIN_FRAME_PIXELS } from '../../../nodes/rewatch/qwen-vision.ts';
import { mcq } from '../reasoning/support.ts';
import { corpus, count, openExportEngine, readJson, readJsonLines, sha256, type Inputs } from './support.ts';

interface EasyR1Row {
  problem: string;
  answer: string;
  videos: string[];
}

/** What each trainer reads of a GRPO row, recorded from its source (commits in the file). */
const FORMATS = JSON.parse(readFileSync(new URL('./fixtures/grpo-trainer-formats.json', import.meta.url), 'utf8')) as {
  'qwen-vl-utils': { videoKeys: string[] };
  verl: { videoFrameSettingsApplyOnlyWithout: string[] };
  'ms-swift': { required: string[]; videoColumn: string };
  trl: { promptColumn: string; notPassedToRewards: string[]; modelMediaColumns: string[] };
};

const data = corpus();
const inputs = (withOpen = true): Inputs => ({
  questions: { type: MCQType, items: data.questions },
  ...(withOpen ? { open: { type: QAType, items: data.open } } : {}),
});

async function readParquet(path: string) {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { rows: await parquetReadObjects({ file }), schema: parquetMetadata(file).schema };
}

describe('rewatch.grpo-export', () => {
  let env: Awaited<ReturnType<typeof openExportEngine>>;
  let out: string;

  beforeEach(async () => {
    env = await openExportEngine();
    out = join(env.dir, 'grpo');
  });
  afterEach(async () => env.close());

  it('writes EasyR1 rows whose ground truth carries the answer and the caption id, split train/val without overlap', async () => {
    const datasets = await env.run('rewatch.grpo-export', { outputDir: out, valFraction: 0.2, seed: 3 }, inputs());
    const train = readJsonLines<EasyR1Row>(join(out, 'train.jsonl'));
    const val = readJsonLines<EasyR1Row>(join(out, 'val.jsonl'));
    expect([train.length, val.length]).toEqual([16, 4]);

    const splitOf = new Map<string, string>();
    for (const [split, rows] of [['train', train], ['val', val]] as const) {
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(['answer', 'problem', 'videos']);
        expect(count(row.problem, '<video>')).toBe(row.videos.length);
        expect(row.videos).toHaveLength(1);
        expect(isAbsolute(row.videos[0]!)).toBe(true);
        expect(row.problem.startsWith('<video>')).toBe(true);
        expect(row.problem.endsWith(`\n${DEFAULT_THINKING_INSTRUCTION}`)).toBe(true);

        const truth = decodeGroundTruth(row.answer);
        expect(splitOf.has(truth.questionId)).toBe(false);
        splitOf.set(truth.questionId, split);
        const mc = data.questions.find((q) => q.id === truth.questionId);
        const source = mc ?? data.open.find((q) => q.id === truth.questionId)!;
        expect(truth).toEqual({
          answer: source.answer,
          captionId: source.captionId,
          questionId: source.id,
          type: 'causal',
          question: source.question,
          ...(mc ? { options: mc.options } : {}),
        });
        expect(row.videos[0]).toBe(source.videoPath);
        if (mc) expect(row.problem).toContain(`\nOptions:\nA. ${mc.options[0]}\nB. ${mc.options[1]}\n`);
        else expect(row.problem).toBe(`<video>${source.question}\n${DEFAULT_THINKING_INSTRUCTION}`);
      }
    }
    // Every question once, and a multiple-choice question in the same split as its open form.
    expect([...splitOf.keys()].sort()).toEqual([...data.questions.map((q) => q.id), ...data.open.map((q) => q.id)].sort());
    for (const q of data.questions) expect(splitOf.get(q.id)).toBe(splitOf.get(q.open.id));

    const easyr1 = datasets.find((d) => d.format === 'easyr1')!;
    expect(easyr1.rows).toEqual({ train: 16, val: 4 });
    expect(easyr1.sample).toEqual(train.slice(0, 3));
    expect(easyr1.files.map((f) => [f.path, f.rows])).toEqual([
      [join(out, 'train.jsonl'), 16],
      [join(out, 'val.jsonl'), 4],
      [join(out, 'config-hints.json'), 0],
    ]);
    for (const file of easyr1.files) {
      expect(file.sha256).toBe(sha256(file.path));
      expect(file.bytes).toBe(statSync(file.path).size);
    }
  });

  it('writes verl Parquet with nested columns that read back as the same rows', async () => {
    const datasets = await env.run('rewatch.grpo-export', { outputDir: out, valFraction: 0.2, seed: 3, fps: 2 }, inputs());
    const verl = datasets.find((d) => d.format === 'verl')!;
    expect(verl.rows).toEqual({ train: 16, val: 4 });

    for (const split of ['train', 'val'] as const) {
      const easyr1 = readJsonLines<EasyR1Row>(join(out, `${split}.jsonl`));
      const { rows, schema } = await readParquet(join(out, `${split}.parquet`));
      expect(rows).toHaveLength(easyr1.length);
      rows.forEach((row, index) => {
        const truth = decodeGroundTruth(easyr1[index]!.answer);
        expect(row).toEqual({
          data_source: 'rewatch',
          prompt: [{ role: 'user', content: easyr1[index]!.problem }],
          // qwen-vl-utils' per-video keys: with `fps` given, verl's own frame settings do not apply, so the caps come along.
          videos: [{ video: `file://${easyr1[index]!.videos[0]}`, fps: 2, max_frames: 192n, min_pixels: BigInt(MIN_FRAME_PIXELS), max_pixels: BigInt(128 * 28 * 28) }],
          ability: 'video-reasoning',
          reward_model: { style: 'rule', ground_truth: easyr1[index]!.answer },
          extra_info: { question_id: truth.questionId, caption_id: truth.captionId, type: 'causal', split, index: BigInt(index) },
        });
        expect(Object.keys(row)).toEqual(['data_source', 'prompt', 'videos', 'ability', 'reward_model', 'extra_info']);
      });
      if (split === 'train') {
        const numbers = (video: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(video).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
        expect(verl.sample).toEqual(
          rows.slice(0, 3).map((r) => ({ ...r, videos: r.videos.map(numbers), extra_info: { ...r.extra_info, index: Number(r.extra_info.index) } })),
        );
      }
      // The schema pyarrow writes for a pandas frame of these rows: 3-level LISTs of structs and plain structs.
      expect(schema.map((e) => [e.name, e.repetition_type ?? null, e.type ?? e.converted_type ?? null, e.num_children ?? 0])).toEqual([
        ['schema', null, null, 6],
        ['data_source', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['prompt', 'REQUIRED', 'LIST', 1],
        ['list', 'REPEATED', null, 1],
        ['element', 'REQUIRED', null, 2],
        ['role', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['content', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['videos', 'REQUIRED', 'LIST', 1],
        ['list', 'REPEATED', null, 1],
        ['element', 'REQUIRED', null, 5],
        ['video', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['fps', 'REQUIRED', 'DOUBLE', 0],
        ['max_frames', 'REQUIRED', 'INT64', 0],
        ['min_pixels', 'REQUIRED', 'INT64', 0],
        ['max_pixels', 'REQUIRED', 'INT64', 0],
        ['ability', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['reward_model', 'REQUIRED', null, 2],
        ['style', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['ground_truth', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['extra_info', 'REQUIRED', null, 5],
        ['question_id', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['caption_id', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['type', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['split', 'REQUIRED', 'BYTE_ARRAY', 0],
        ['index', 'REQUIRED', 'INT64', 0],
      ]);
      expect(schema.filter((e) => e.type === 'BYTE_ARRAY').every((e) => e.converted_type === 'UTF8')).toBe(true);
    }
    for (const file of verl.files) expect(file.sha256).toBe(sha256(file.path));
  });

  it('writes ms-swift GRPO rows (messages, videos, solution) and TRL rows (conversational prompt, video, ground_truth)', async () => {
    const datasets = await env.run('rewatch.grpo-export', { outputDir: out, valFraction: 0.2, seed: 3, formats: ['easyr1', 'ms-swift', 'trl'] }, inputs());
    expect(datasets.map((d) => d.format)).toEqual(['easyr1', 'ms-swift', 'trl']);
    const { 'ms-swift': swift, trl } = FORMATS;
    for (const split of ['train', 'val'] as const) {
      const easyr1 = readJsonLines<EasyR1Row>(join(out, `${split}.jsonl`));
      const swiftRows = readJsonLines<Record<string, unknown>>(join(out, `${split}.ms-swift.jsonl`));
      const trlRows = readJsonLines<Record<string, unknown>>(join(out, `${split}.trl.jsonl`));
      expect([swiftRows.length, trlRows.length]).toEqual([easyr1.length, easyr1.length]);
      easyr1.forEach((row, index) => {
        // ms-swift: the required messages, the video column its template loads, the ground truth for the ORM.
        const swiftRow = swiftRows[index]!;
        for (const column of swift.required) expect(swiftRow).toHaveProperty(column);
        expect(swiftRow).toEqual({ messages: [{ role: 'user', content: row.problem }], [swift.videoColumn]: row.videos, solution: row.answer });

        // TRL: a conversational prompt; the other columns reach the reward function, which reads ground_truth.
        const trlRow = trlRows[index]!;
        const toReward = Object.keys(trlRow).filter((column) => !trl.notPassedToRewards.includes(column));
        expect(toReward.sort()).toEqual(['ground_truth', 'video']);
        // The trainer feeds only images to the model: no column it would take as media, no placeholder in the text.
        expect(Object.keys(trlRow).filter((column) => trl.modelMediaColumns.includes(column))).toEqual([]);
        expect(trlRow).toEqual({
          [trl.promptColumn]: [{ role: 'user', content: row.problem.slice('<video>'.length) }],
          video: row.videos[0],
          ground_truth: row.answer,
        });
      });
    }
    const swiftFiles = datasets.find((d) => d.format === 'ms-swift')!.files.map((f) => f.path);
    expect(swiftFiles).toEqual([join(out, 'train.ms-swift.jsonl'), join(out, 'val.ms-swift.jsonl'), join(out, 'config-hints.json')]);
  });

  it('gives verl each video’s frame and pixel caps in keys qwen-vl-utils reads, from the node’s budget', async () => {
    await env.run('rewatch.grpo-export', { outputDir: out, formats: ['verl'], fps: 1, maxFrames: 65, maxPixels: 256 * 28 * 28 }, inputs(false));
    const { rows } = await readParquet(join(out, 'train.parquet'));
    const { videoKeys } = FORMATS['qwen-vl-utils'];
    for (const row of rows) {
      const [video] = row.videos as Array<Record<string, unknown>>;
      expect(Object.keys(video!).filter((key) => !videoKeys.includes(key))).toEqual([]);
      // fps is given, so verl's data.video settings never apply: the cap must be the row's own (floored to 2 frames).
      expect(FORMATS.verl.videoFrameSettingsApplyOnlyWithout.some((key) => key in video!)).toBe(true);
      expect(video).toMatchObject({ fps: 1, max_frames: 64n, max_pixels: BigInt(256 * 28 * 28) });
      expect(Number(video!.min_pixels)).toBeLessThan(256 * 28 * 28);
    }
  });

  it('splits reproducibly by seed, differently with another seed', async () => {
    const questionIds = async (seed: number) => {
      await env.run('rewatch.grpo-export', { outputDir: out, valFraction: 0.3, seed, formats: ['easyr1'] }, inputs(false));
      return (['train', 'val'] as const).map((split) =>
        readJsonLines<EasyR1Row>(join(out, `${split}.jsonl`)).map((row) => decodeGroundTruth(row.answer).questionId),
      );
    };
    const first = await questionIds(1);
    expect(first.map((ids) => ids.length)).toEqual([7, 3]);
    expect(await questionIds(1)).toEqual(first);
    const other = await questionIds(2);
    expect(new Set(other[1])).not.toEqual(new Set(first[1]));
    expect([...other[0]!, ...other[1]!].sort()).toEqual(data.questions.map((q) => q.id).sort());
  });

  it('holds out whole videos: no video has questions in both train and val, and the dataset counts each side’s videos', async () => {
    // Three multiple-choice questions (and their open forms) per video.
    const extra = data.questions.flatMap((q, v) =>
      [1, 2].map((k) => mcq(`${q.id}-${k}`, data.captions[v]!, `Question ${k} about scene ${v}?`, ['Yes', 'No'], 'AB'[k - 1]!)),
    );
    const questions = [...data.questions, ...extra];
    const videoOf = new Map([...questions, ...questions.map((q) => q.open)].map((q) => [q.id, q.videoId]));
    const datasets = await env.run(
      'rewatch.grpo-export',
      { outputDir: out, valFraction: 0.3, seed: 5, formats: ['easyr1'] },
      { questions: { type: MCQType, items: questions }, open: { type: QAType, items: questions.map((q) => q.open) } },
    );
    const [train, val] = (['train', 'val'] as const).map(
      (split) => new Set(readJsonLines<EasyR1Row>(join(out, `${split}.jsonl`)).map((row) => videoOf.get(decodeGroundTruth(row.answer).questionId)!)),
    );
    expect([...val!].filter((video) => train!.has(video))).toEqual([]);
    expect([train!.size, val!.size]).toEqual([7, 3]);
    expect(datasets[0]!.rows).toEqual({ train: 42, val: 18 });
    expect(datasets[0]!.videos).toEqual({ total: 10, byKey: { train: 7, val: 3 }, shared: 0 });
  });

  it('leaves the validation files empty at valFraction 0 and writes the paper’s GRPO settings beside the files', async () => {
    const datasets = await env.run('rewatch.grpo-export', { outputDir: out, valFraction: 0 }, inputs(false));
    expect(datasets.map((d) => [d.format, d.rows])).toEqual([
      ['easyr1', { train: 10, val: 0 }],
      ['verl', { train: 10, val: 0 }],
      ['ms-swift', { train: 10, val: 0 }],
      ['trl', { train: 10, val: 0 }],
    ]);
    expect(readFileSync(join(out, 'val.jsonl'), 'utf8')).toBe('');
    expect((await readParquet(join(out, 'val.parquet'))).rows).toEqual([]);
    expect(readJson(join(out, 'config-hints.json'))).toEqual({
      about: expect.any(String),
      rollout: { n: 8, temperature: 0.8, top_p: 0.9 },
      video: { frames: 192, fps: 2, max_pixels: 128 * 28 * 28 },
      ground_truth: expect.stringContaining('decodeGroundTruth'),
      files: {
        easyr1: { train: join(out, 'train.jsonl'), val: join(out, 'val.jsonl') },
        verl: { train: join(out, 'train.parquet'), val: join(out, 'val.parquet') },
        'ms-swift': { train: join(out, 'train.ms-swift.jsonl'), val: join(out, 'val.ms-swift.jsonl') },
        trl: { train: join(out, 'train.trl.jsonl'), val: join(out, 'val.trl.jsonl') },
      },
      easyr1: { 'data.prompt_key': 'problem', 'data.answer_key': 'answer', 'data.video_key': 'videos' },
      // The variables ms-swift sets qwen-vl-utils' frame rate, frame cap and frame pixel bounds from.
      'ms-swift': { FPS: '2', FPS_MAX_FRAMES: '192', VIDEO_MIN_PIXELS: String(MIN_FRAME_PIXELS), VIDEO_MAX_PIXELS: String(128 * 28 * 28) },
    });
  });
});
