import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CAPTION_INSTRUCTION,
  DEFAULT_DIRECT_INSTRUCTION,
  DEFAULT_OPEN_INSTRUCTION,
  DEFAULT_THINKING_INSTRUCTION,
} from '../../../nodes/rewatch/export/prompts.ts';
import { CoTType, DenseCaptionType, MCQType, QAType } from '../../../nodes/rewatch/types.ts';
import { corpus, count, openExportEngine, readJson, readJsonLines, sha256, type Inputs } from './support.ts';

interface Row {
  messages: Array<{ role: string; content: string }>;
  videos: string[];
}

const data = corpus();

function inputs(c: ReturnType<typeof corpus> = data, withOpen = true): Inputs {
  return {
    captions: { type: DenseCaptionType, items: c.captions },
    questions: { type: MCQType, items: c.questions },
    ...(withOpen ? { open: { type: QAType, items: c.open } } : {}),
    cots: { type: CoTType, items: c.cots },
  };
}

/** Which task and source item a written row is, told apart by its instruction and answer. */
function classify(row: Row): string {
  const user = row.messages.find((m) => m.role === 'user')!.content;
  const answer = row.messages.at(-1)!.content;
  if (user.endsWith(DEFAULT_CAPTION_INSTRUCTION)) return `caption:${data.captions.find((c) => c.text === answer)!.id}`;
  const question = /^<video>(.*)$/m.exec(user)![1]!;
  if (user.endsWith(DEFAULT_THINKING_INSTRUCTION)) return `cot:${data.cots.find((c) => c.question === question)!.id}`;
  if (user.endsWith(DEFAULT_OPEN_INSTRUCTION)) return `open:${data.open.find((q) => q.question === question)!.id}`;
  return `mcq:${data.questions.find((q) => q.question === question)!.id}`;
}

/** A dataset's `videos` recomputed from its rows as written: the distinct video paths of each task. */
function videosOfRows(rows: Row[]) {
  const byKey: Record<string, Set<string>> = { caption: new Set(), direct: new Set(), cot: new Set() };
  for (const row of rows) {
    const kind = classify(row).split(':')[0]!;
    byKey[kind === 'mcq' || kind === 'open' ? 'direct' : kind]!.add(row.videos[0]!);
  }
  const all = rows.map((row) => row.videos[0]!);
  const tasksOf = (video: string) => Object.values(byKey).filter((videos) => videos.has(video)).length;
  return {
    total: new Set(all).size,
    byKey: Object.fromEntries(Object.entries(byKey).map(([task, videos]) => [task, videos.size])),
    shared: [...new Set(all)].filter((video) => tasksOf(video) > 1).length,
  };
}

describe('rewatch.sft-export', () => {
  let env: Awaited<ReturnType<typeof openExportEngine>>;
  let out: string;

  beforeEach(async () => {
    env = await openExportEngine();
    out = join(env.dir, 'sft');
  });
  afterEach(async () => env.close());

  it('writes the three tasks as LLaMA-Factory sharegpt and ms-swift JSONL, field by field', async () => {
    const datasets = await env.run('rewatch.sft-export', { outputDir: out }, inputs());

    const json = readJson<Row[]>(join(out, 'rewatch_sft.json'));
    const jsonl = readJsonLines<Row>(join(out, 'rewatch_sft.jsonl'));
    expect(jsonl).toEqual(json);
    expect(json).toHaveLength(10 + 20 + 10);

    for (const row of json) {
      expect(Object.keys(row).sort()).toEqual(['messages', 'videos']);
      expect(row.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      for (const message of row.messages) expect(Object.keys(message).sort()).toEqual(['content', 'role']);
      expect(row.videos).toHaveLength(1);
      expect(count(row.messages.map((m) => m.content).join('\n'), '<video>')).toBe(row.videos.length);
      expect(row.messages[0]!.content.startsWith('<video>')).toBe(true);
      expect(isAbsolute(row.videos[0]!)).toBe(true);
    }

    const byKey = new Map(json.map((row) => [classify(row), row]));
    expect(byKey.size).toBe(json.length);

    const caption = data.captions[3]!;
    expect(byKey.get(`caption:${caption.id}`)).toEqual({
      messages: [
        { role: 'user', content: `<video>${DEFAULT_CAPTION_INSTRUCTION}` },
        { role: 'assistant', content: caption.text },
      ],
      videos: [caption.videoPath],
    });
    expect(caption.text).toMatch(/^\[00:00-00:30\] Scene 3 opens/);

    const question = data.questions[2]!;
    expect(byKey.get(`mcq:${question.id}`)).toEqual({
      messages: [
        {
          role: 'user',
          content:
            `<video>${question.question}\nOptions:\nA. A cup\nB. A phone\nC. Object 2\nD. Nothing\n` + DEFAULT_DIRECT_INSTRUCTION,
        },
        { role: 'assistant', content: 'C' },
      ],
      videos: [question.videoPath],
    });

    const open = data.open[5]!;
    expect(byKey.get(`open:${open.id}`)).toEqual({
      messages: [
        { role: 'user', content: `<video>${open.question}\n${DEFAULT_OPEN_INSTRUCTION}` },
        { role: 'assistant', content: 'Object 5' },
      ],
      videos: [open.videoPath],
    });

    const cot = data.cots[7]!;
    const cotRow = byKey.get(`cot:${cot.id}`)!;
    expect(cotRow.messages[0]!.content).toBe(
      `<video>${cot.question}\nOptions:\nA. A cup\nB. A phone\nC. Nothing\nD. Object 7\n${DEFAULT_THINKING_INSTRUCTION}`,
    );
    expect(cotRow.messages[1]!.content).toBe(cot.text);
    expect(cotRow.messages[1]!.content).toContain('<action>segment_query(00:30-01:15)</action>');

    expect(readJson(join(out, 'dataset_info.json'))).toEqual({
      rewatch_sft: {
        file_name: 'rewatch_sft.json',
        formatting: 'sharegpt',
        columns: { messages: 'messages', videos: 'videos' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
      },
    });

    expect(datasets.map((d) => d.format)).toEqual(['llamafactory', 'ms-swift']);
    for (const dataset of datasets) {
      expect(dataset.rows).toEqual({ caption: 10, direct: 20, cot: 10 });
      expect(dataset.sample).toEqual(json.slice(0, 3));
      for (const file of dataset.files) {
        expect(file.sha256).toBe(sha256(file.path));
        expect(file.bytes).toBe(statSync(file.path).size);
      }
    }
    expect(datasets[0]!.files.map((f) => [f.path, f.rows])).toEqual([
      [join(out, 'rewatch_sft.json'), 40],
      [join(out, 'dataset_info.json'), 0],
    ]);
    expect(datasets[1]!.files.map((f) => [f.path, f.rows])).toEqual([[join(out, 'rewatch_sft.jsonl'), 40]]);
  });

  it('samples each task by its ratio and mixes the tasks by the seed, whatever the input order', async () => {
    const ratios = { caption: 0.5, direct: 0.25, cot: 0 };
    const [first] = await env.run('rewatch.sft-export', { outputDir: out, ratios, seed: 7, formats: ['ms-swift'] }, inputs());
    expect(first!.rows).toEqual({ caption: 5, direct: 5, cot: 0 });
    const rows = readJsonLines<Row>(join(out, 'rewatch_sft.jsonl'));
    expect(first!.videos).toEqual(videosOfRows(rows));
    expect(first!.videos.byKey).toEqual({ caption: 5, direct: expect.any(Number), cot: 0 });
    const keys = rows.map(classify);
    expect(keys.filter((k) => k.startsWith('caption:'))).toHaveLength(5);
    expect(keys.filter((k) => k.startsWith('mcq:') || k.startsWith('open:'))).toHaveLength(5);
    // A mix, not task blocks: the captions are not all at one end.
    expect(keys.slice(0, 5).every((k) => k.startsWith('caption:'))).toBe(false);
    expect(keys.slice(5).every((k) => k.startsWith('caption:'))).toBe(false);

    const reversed = {
      captions: [...data.captions].reverse(),
      questions: [...data.questions].reverse(),
      open: [...data.open].reverse(),
      cots: [...data.cots].reverse(),
    };
    const [again] = await env.run('rewatch.sft-export', { outputDir: out, ratios, seed: 7, formats: ['ms-swift'] }, inputs(reversed));
    expect(again!.files[0]!.sha256).toBe(first!.files[0]!.sha256);

    await env.run('rewatch.sft-export', { outputDir: out, ratios, seed: 8, formats: ['ms-swift'] }, inputs());
    const other = readJsonLines<Row>(join(out, 'rewatch_sft.jsonl')).map(classify);
    expect(other).toHaveLength(10);
    expect(other).not.toEqual(keys);
    expect(new Set(other.filter((k) => k.startsWith('caption:')))).not.toEqual(new Set(keys.filter((k) => k.startsWith('caption:'))));
  });

  it('without open questions the direct task holds the multiple-choice rows only', async () => {
    const [dataset] = await env.run('rewatch.sft-export', { outputDir: out, formats: ['llamafactory'] }, inputs(data, false));
    expect(dataset!.rows).toEqual({ caption: 10, direct: 10, cot: 10 });
    expect(readJson<Row[]>(join(out, 'rewatch_sft.json')).map(classify).filter((k) => k.startsWith('open:'))).toEqual([]);
  });

  it('puts the system prompt first and declares its tag to LLaMA-Factory', async () => {
    await env.run('rewatch.sft-export', { outputDir: out, name: 'mix', systemPrompt: 'You are a video assistant.' }, inputs());
    for (const row of readJson<Row[]>(join(out, 'mix.json'))) {
      expect(row.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(row.messages[0]).toEqual({ role: 'system', content: 'You are a video assistant.' });
    }
    expect(readJson<Record<string, { file_name: string; tags: Record<string, string> }>>(join(out, 'dataset_info.json'))).toEqual({
      mix: expect.objectContaining({
        file_name: 'mix.json',
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
      }),
    });
  });

  it('makes relative video paths absolute and leaves out, with a warning, a row whose text holds a stray <video>', async () => {
    const c = corpus();
    c.captions[0] = { ...c.captions[0]!, videoPath: 'clips/c0.mp4' };
    c.questions[1] = { ...c.questions[1]!, question: 'What is shown in <video> at the start?' };
    const [dataset] = await env.run('rewatch.sft-export', { outputDir: out, formats: ['ms-swift'] }, inputs(c));
    expect(dataset!.rows).toEqual({ caption: 10, direct: 19, cot: 10 });
    const rows = readJsonLines<Row>(join(out, 'rewatch_sft.jsonl'));
    expect(rows.some((r) => r.videos[0] === resolve('clips/c0.mp4'))).toBe(true);
    for (const row of rows) expect(count(row.messages.map((m) => m.content).join('\n'), '<video>')).toBe(1);
    expect(env.logs.some((l) => l.level === 'warn' && l.message.includes(`mcq:${c.questions[1]!.id}`))).toBe(true);
  });
});
