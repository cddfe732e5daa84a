/**
 * The export tests run the real engine on graphs of typed item sources (the reasoning tests' sources) feeding one
 * export node, and read what it wrote back from disk.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../../main/engine/engine.ts';
import type { RunEvent } from '../../../main/api/contract.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import type { CoT, Dataset, DenseCaption, MCQ } from '../../../nodes/rewatch/types.ts';
import type { DataType } from '../../../nodes/sdk/index.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { catalog, denseCaption, mcq, nodeGraph } from '../reasoning/support.ts';

export type Inputs = Record<string, { type: DataType; items: unknown[] }>;

export async function openExportEngine() {
  const dir = tempDir('rewatch-export-');
  const engine = new Engine({ dataDir: join(dir.path, 'data'), catalog, providers: [], llmBackoff: { baseMs: 5, capMs: 50 } });
  const logs: Extract<RunEvent, { type: 'node-log' }>[] = [];
  engine.subscribe((event) => {
    if (event.type === 'node-log') logs.push(event);
  });
  /** Runs the export node on the inputs and returns its Dataset items; fails the test when the run fails. */
  const run = async (type: string, config: Record<string, unknown>, inputs: Inputs): Promise<Dataset[]> => {
    const graph: GraphFile = nodeGraph({ type, config }, inputs);
    const detail = await runToEnd(engine, graph);
    if (detail.status !== 'done') throw new Error(`run ${detail.status}: ${JSON.stringify(detail)}`);
    return (await engine.nodeOutput(detail.runId, 'n', 'dataset', { limit: 100 })).items.map((i) => i.data as Dataset);
  };
  const close = async () => {
    await engine.close();
    dir.remove();
  };
  return { dir: dir.path, run, logs, close };
}

/** `count` videos, each with a caption, one multiple-choice question (with its open form) and one CoT. */
export function corpus(count = 10) {
  const captions: DenseCaption[] = Array.from({ length: count }, (_, i) =>
    denseCaption(`c${i}`, [
      { start: 0, end: 30, text: `Scene ${i} opens with a man entering.` },
      { start: 30, end: 75, text: `He picks up object ${i} and leaves.` },
    ], 75),
  );
  const questions: MCQ[] = captions.map((caption, i) => {
    const options = ['A cup', 'A phone', 'Nothing'];
    options.splice(i % 4, 0, `Object ${i}`);
    return mcq(`m${i}`, caption, `What does the man pick up in scene ${i}?`, options, 'ABCD'[i % 4]!);
  });
  const cots: CoT[] = questions.map((q) => cot(q));
  return { captions, questions, open: questions.map((q) => q.open), cots };
}

function cot(q: MCQ): CoT {
  return {
    id: `cot-${q.id}`,
    trajectoryId: `t-${q.id}`,
    questionId: q.id,
    videoId: q.videoId,
    videoPath: q.videoPath,
    captionId: q.captionId,
    question: q.question,
    form: 'mc',
    options: q.options,
    groundTruth: q.answer,
    text:
      `I need to find what he picks up.\n<action>segment_query(00:30-01:15)</action>\n` +
      `<observation>He picks up ${q.open.answer.toLowerCase()}.</observation>\nSo the answer is ${q.answer}.\n<answer>${q.answer}</answer>`,
  };
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function count(text: string, tag: string): number {
  return text.split(tag).length - 1;
}
