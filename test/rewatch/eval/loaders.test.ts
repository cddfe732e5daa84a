import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../../nodes/rewatch/eval/benchmarks.ts';
import type { LoadedBenchmark } from '../../../nodes/rewatch/eval/question.ts';
import { tempDir } from '../../support/engine-fixture.ts';
import { benchmarkFiles, type BenchmarkFiles } from './support.ts';

const OPTIONS = (letters: string, texts: string[]) => texts.map((t, i) => `${letters[i]}. ${t}`).join('\n');

describe('benchmark loaders read the released formats', () => {
  let dir: ReturnType<typeof tempDir>;
  let files: ReturnType<typeof benchmarkFiles>;
  const load = (id: keyof typeof BENCHMARKS, { file, videoDir }: BenchmarkFiles): Promise<LoadedBenchmark> => BENCHMARKS[id].load(file, videoDir);

  beforeAll(() => {
    dir = tempDir();
    files = benchmarkFiles(dir.path);
  });
  afterAll(() => dir.remove());

  it('VCR-Bench: multiple choice as published, intervals, boxes and text; records without a field or a video rejected', async () => {
    const { questions, rejected } = await load('vcr-bench', files['vcr-bench']);
    const vcr = files['vcr-bench'];
    expect(questions.map((q) => [q.id, q.category, q.asks[0].expected])).toEqual([
      ['0', 'Video Temporal Counting', { kind: 'choice', letter: 'B', options: ['1', '2', '3', '4'] }],
      ['1', 'Video Temporal Grounding', { kind: 'interval', start: 4, end: 9 }],
      ['2', 'Temporal Spatial Grounding', { kind: 'box', box: [0, 0, 32, 24] }],
      ['3', 'Video Plot Analysis', { kind: 'open', text: 'Yellow' }],
    ]);
    // The published question already carries its options: asked as written (trimmed), not with a second list.
    expect(questions[0]!.asks[0].prompt).toBe('How many colour changes happen?A. 1\nB. 2\nC. 3\nD. 4');
    expect(questions[0]!.video).toBe(join(vcr.videoDir, 'video/videoEspresso/colours.mp4'));
    expect(rejected).toEqual([
      { file: vcr.file, record: 'record 4', field: 'dimension', message: expect.stringMatching(/string/) },
      { file: vcr.file, record: 'record 5', field: 'video_path', message: `video not found: ${join(vcr.videoDir, 'video/kinetics/never-extracted.mp4')}` },
    ]);
  });

  it('MINERVA: five choices lettered by answer_id, videos by YouTube id; an answer_id beyond the choices rejected', async () => {
    const { questions, rejected } = await load('minerva', files.minerva);
    expect(questions).toEqual([
      {
        id: 'k1',
        video: join(files.minerva.videoDir, 'AbC123xyz_Q.mp4'),
        category: 'Temporal Reasoning, Counting',
        question: 'Which colour is on screen longest?',
        asks: [
          {
            prompt: `Which colour is on screen longest?\nOptions:\n${OPTIONS('ABCDE', ['Red', 'Blue', 'Green', 'Yellow', 'Black'])}`,
            expected: { kind: 'choice', letter: 'B', options: ['Red', 'Blue', 'Green', 'Yellow', 'Black'] },
          },
        ],
      },
      expect.objectContaining({ id: 'k2', asks: [expect.objectContaining({ expected: expect.objectContaining({ letter: 'E' }) })] }),
    ]);
    expect(rejected).toEqual([{ file: files.minerva.file, record: 'record 2', field: 'answer_id', message: expect.stringMatching(/4/) }]);
  });

  it('Video-Holmes: six options keyed A–F, videos by video ID; an answer outside the options rejected', async () => {
    const { questions, rejected } = await load('video-holmes', files['video-holmes']);
    expect(questions.map((q) => [q.id, q.category, q.video, q.asks[0].expected])).toEqual([
      ['5', 'TCI', join(files['video-holmes'].videoDir, 'xY9_ab.mp4'), { kind: 'choice', letter: 'A', options: ['A cut', 'A fade', 'A wipe', 'A flash', 'A zoom', 'Nothing changes'] }],
      ['6', 'SR', join(files['video-holmes'].videoDir, 'qW3_cd.mp4'), { kind: 'choice', letter: 'E', options: ['Green', 'Red', 'Blue', 'Black', 'Yellow', 'White'] }],
    ]);
    expect(questions[1]!.asks[0].prompt).toBe(`What is the last colour?\nOptions:\n${OPTIONS('ABCDEF', ['Green', 'Red', 'Blue', 'Black', 'Yellow', 'White'])}`);
    expect(rejected).toEqual([
      { file: files['video-holmes'].file, record: 'record 2', field: 'Answer', message: '"G" is not the letter of one of the 6 options (A, B, C, D, E, F)' },
    ]);
  });

  it('VideoMathQA mcq Parquet: lettered options kept as written; a bad answer letter rejected', async () => {
    const { questions, rejected } = await load('videomathqa', files.videomathqa);
    expect(questions.map((q) => [q.id, q.category, q.asks.length])).toEqual([
      ['12', 'Arithmetic', 1],
      ['13', 'Counting', 1],
    ]);
    expect(questions[0]!.asks[0].prompt).toBe('How many seconds is the screen red?\nOptions:\nA) 2\nB) 4\nC) 6\nD) 8\nE) 10');
    expect(rejected).toEqual([{ file: files.videomathqa.file, record: 'row 3', field: 'answer', message: expect.stringMatching(/"F"/) }]);
  });

  it('VideoMathQA multi_binary Parquet: the pairs of one question_id become one question', async () => {
    const { questions, rejected } = await load('videomathqa', files['videomathqa-mbin']);
    expect(rejected).toEqual([]);
    expect(questions.map((q) => [q.id, q.asks.map((a) => a.expected.kind === 'choice' && a.expected.letter)])).toEqual([
      ['12', ['A', 'B', 'A']],
      ['13', ['A', 'B']],
    ]);
    expect(questions[1]!.asks[1]!.prompt).toBe('How many colours appear in total?\nOptions:\nA) 3\nB) 2');
  });

  it('CG-AV-Counting: integer counts, question_en or question, the modality type as category', async () => {
    const { questions, rejected } = await load('cg-av-counting', files['cg-av-counting']);
    expect(questions.map((q) => [q.id, q.category, q.question, q.asks[0].expected])).toEqual([
      ['3', 'V', 'How many times does the colour change?', { kind: 'count', value: 2 }],
      ['4', 'A', 'How many beeps are heard?', { kind: 'count', value: 5 }],
      ['5', 'AV', 'How many different colours are shown?', { kind: 'count', value: 2 }],
      ['6', 'V', 'How many cars pass by?', { kind: 'count', value: 30 }],
    ]);
    expect(rejected).toEqual([{ file: files['cg-av-counting'].file, record: 'record 4', field: 'answer', message: expect.any(String) }]);
  });

  it('rejects a JSON Lines line that is not JSON, and refuses files that are not a record list', async () => {
    const jsonl = join(dir.path, 'bench.jsonl');
    writeFileSync(jsonl, '{"question": "Q?", "options": ["a", "b"], "answer": "A", "video": "sources/short.mp4"}\n{not json\n');
    const { questions, rejected } = await BENCHMARKS.jsonl.load(jsonl, dir.path);
    expect(questions).toHaveLength(1);
    expect(rejected).toEqual([{ file: jsonl, record: 'line 2', field: '(record)', message: expect.stringMatching(/^not valid JSON/) }]);
    const object = join(dir.path, 'object.json');
    writeFileSync(object, '{"questions": []}');
    await expect(BENCHMARKS['video-holmes'].load(object, dir.path)).rejects.toThrow(`${object}: expected a JSON array of records, found object`);
    await expect(BENCHMARKS.minerva.load(join(dir.path, 'bench.csv'), dir.path)).rejects.toThrow(/unsupported annotation file/);
  });
});
