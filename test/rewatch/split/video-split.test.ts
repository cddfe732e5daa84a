import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCatalog } from '../../../main/engine/catalog.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { GraphFile } from '../../../main/graph/format.ts';
import { nodeDefinitions } from '../../../nodes/index.ts';
import { splitSizes, VIDEO_SPLITS, type SplitFractions, type VideoSplit } from '../../../nodes/rewatch/split/assign.ts';
import { CoTType, MCQType, VideoType, type MCQ, type Video } from '../../../nodes/rewatch/types.ts';
import { RecordType, type DataType } from '../../../nodes/sdk/index.ts';
import { runToEnd, tempDir } from '../../support/engine-fixture.ts';
import { itemSource } from '../../support/item-sources.ts';
import { corpus } from '../export/support.ts';
import { mcq } from '../reasoning/support.ts';

const VIDEO_COUNT = 12;
const data = corpus(VIDEO_COUNT);
/** Three multiple-choice questions per video: the caption's own and two more. */
const questions: MCQ[] = data.questions.flatMap((q, v) => [
  q,
  ...[1, 2].map((k) => mcq(`${q.id}-${k}`, data.captions[v]!, `Question ${k} about scene ${v}?`, ['Yes', 'No'], 'A')),
]);
const videos: Video[] = data.captions.map((caption) => ({
  id: caption.videoId,
  path: caption.videoPath,
  hash: caption.videoId,
  duration: caption.duration,
  fps: 25,
  width: 640,
  height: 360,
  sizeBytes: 1000,
}));

const SOURCE_TYPES: Record<string, DataType> = { mcq: MCQType, cot: CoTType, video: VideoType, record: RecordType };
const sources = Object.entries(SOURCE_TYPES).map(([name, type]) => itemSource(`test.${name}-items`, { items: type }));

type Node = GraphFile['nodes'][number];
const at = { x: 0, y: 0 };
const source = (id: string, kind: keyof typeof SOURCE_TYPES, items: unknown[]): Node => ({
  id,
  type: `test.${kind}-items`,
  typeVersion: 1,
  position: at,
  config: { items },
});
const split = (id: string, config: Record<string, unknown>): Node => ({ id, type: 'rewatch.split', typeVersion: 2, position: at, config });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({
  id: `${from}.${fromPort}-${to}.${toPort}`,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});
const graph = (nodes: Node[], edges: GraphFile['edges']): GraphFile => ({ format: 'rewatch-studio/graph', version: 1, name: 'split', nodes, edges });

const FRACTIONS = { sftFraction: 0.5, rlFraction: 0.3, heldOutFraction: 0.2 };

describe('splitSizes', () => {
  const triples: SplitFractions[] = [
    { sft: 0.5, rl: 0.4, heldOut: 0.1 },
    { sft: 0.7, rl: 0.2, heldOut: 0.1 },
    { sft: 1 / 3, rl: 1 / 3, heldOut: 1 / 3 },
    { sft: 0.8, rl: 0.2, heldOut: 0 },
    { sft: 0.05, rl: 0.05, heldOut: 0.9 },
  ];

  it('gives every split its share within one video, the sizes adding up to the videos', () => {
    for (const fractions of triples) {
      for (let n = 0; n <= 40; n++) {
        const sizes = splitSizes(n, fractions);
        expect(VIDEO_SPLITS.reduce((sum, s) => sum + sizes[s], 0)).toBe(n);
        for (const s of VIDEO_SPLITS) expect(Math.abs(sizes[s] - fractions[s] * n)).toBeLessThan(1);
      }
    }
  });

  it('rounds by largest remainder', () => {
    // Shares 3.5, 2.8, 0.7: the floors give 5, and the two left go to the larger remainders.
    expect(splitSizes(7, { sft: 0.5, rl: 0.4, heldOut: 0.1 })).toEqual({ sft: 3, rl: 3, heldOut: 1 });
  });
});

describe('rewatch.split', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: Engine;

  beforeAll(() => {
    dir = tempDir('rewatch-split-');
    engine = new Engine({ dataDir: join(dir.path, 'data'), catalog: new NodeCatalog([...nodeDefinitions, ...sources]), providers: [] });
  });
  afterAll(async () => {
    await engine.close();
    dir.remove();
  });

  /** Runs the graph and returns, per split node, the ids of its items by split. */
  async function run(g: GraphFile, splitNodes: string[], options: { noCache?: boolean } = {}) {
    const detail = await runToEnd(engine, g, options);
    if (detail.status !== 'done') throw new Error(`run ${detail.status}: ${JSON.stringify(detail.nodes)}`);
    const result: Record<string, Record<VideoSplit, Array<{ id: string; videoId: string }>>> = {};
    for (const node of splitNodes) {
      const entries = await Promise.all(
        VIDEO_SPLITS.map(async (s) => [s, (await engine.nodeOutput(detail.runId, node, s, { limit: 1000 })).items.map((i) => i.data)]),
      );
      result[node] = Object.fromEntries(entries);
    }
    return result;
  }

  /** The split of each video, checking that all items of a video went to one split. */
  function splitOfVideos(bySplit: Record<VideoSplit, Array<{ videoId: string }>>): Map<string, VideoSplit> {
    const splitOf = new Map<string, VideoSplit>();
    for (const s of VIDEO_SPLITS) {
      for (const { videoId } of bySplit[s]) {
        expect(splitOf.get(videoId) ?? s, `video ${videoId} is in two splits`).toBe(s);
        splitOf.set(videoId, s);
      }
    }
    return splitOf;
  }

  const mcqGraph = (config: Record<string, unknown>) =>
    graph([source('v', 'video', videos), source('q', 'mcq', questions), split('s', config)], [edge('v', 'items', 's', 'videos'), edge('q', 'items', 's', 'items')]);

  it('puts every item in one split, all items of a video together, each split within one video of its share', async () => {
    const { s } = await run(mcqGraph({ seed: 7, ...FRACTIONS }), ['s']);
    const ids = VIDEO_SPLITS.flatMap((name) => s![name].map((item) => item.id));
    expect(ids.sort()).toEqual(questions.map((q) => q.id).sort());
    expect(s!.sft[0]).toEqual(questions.find((q) => q.id === s!.sft[0]!.id));

    const splitOf = splitOfVideos(s!);
    expect(splitOf.size).toBe(VIDEO_COUNT);
    const fractions: SplitFractions = { sft: FRACTIONS.sftFraction, rl: FRACTIONS.rlFraction, heldOut: FRACTIONS.heldOutFraction };
    for (const name of VIDEO_SPLITS) {
      const count = [...splitOf.values()].filter((x) => x === name).length;
      expect(Math.abs(count - fractions[name] * VIDEO_COUNT)).toBeLessThan(1);
    }
  });

  it('splits the same way for the same seed, and differently for another', async () => {
    const first = splitOfVideos((await run(mcqGraph({ seed: 7, ...FRACTIONS }), ['s'], { noCache: true })).s!);
    const again = splitOfVideos((await run(mcqGraph({ seed: 7, ...FRACTIONS }), ['s'], { noCache: true })).s!);
    const other = splitOfVideos((await run(mcqGraph({ seed: 8, ...FRACTIONS }), ['s'])).s!);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('agrees across split nodes fed different item types from the same videos', async () => {
    const g = graph(
      [
        source('v', 'video', videos),
        source('q', 'mcq', questions),
        source('c', 'cot', data.cots),
        split('a', { seed: 3, ...FRACTIONS }),
        split('b', { seed: 3, ...FRACTIONS }),
      ],
      [edge('v', 'items', 'a', 'videos'), edge('v', 'items', 'b', 'videos'), edge('q', 'items', 'a', 'items'), edge('c', 'items', 'b', 'items')],
    );
    const { a, b } = await run(g, ['a', 'b']);
    expect(splitOfVideos(b!)).toEqual(splitOfVideos(a!));
  });

  it('agrees on every video when both rank the connected videos, even if one stream lacks some of them', async () => {
    const cots = data.cots.slice(0, 8);
    const g = graph(
      [
        source('v', 'video', videos),
        source('q', 'mcq', questions),
        source('c', 'cot', cots),
        split('a', { seed: 4, ...FRACTIONS }),
        split('b', { seed: 4, ...FRACTIONS }),
      ],
      [edge('v', 'items', 'a', 'videos'), edge('v', 'items', 'b', 'videos'), edge('q', 'items', 'a', 'items'), edge('c', 'items', 'b', 'items')],
    );
    const { a, b } = await run(g, ['a', 'b']);
    const all = splitOfVideos(a!);
    const some = splitOfVideos(b!);
    expect(some.size).toBe(8);
    for (const [video, s] of some) expect(all.get(video)).toBe(s);
    // The shares are of the connected videos, not of the ones a stream happens to hold.
    expect([...all.values()].filter((s) => s === 'heldOut').length).toBe(Math.round(0.2 * VIDEO_COUNT));
  });

  it('outputs the type it is fed: a split of questions feeds the GRPO export, a split of CoTs does not', async () => {
    const into = (kind: 'mcq' | 'cot') =>
      graph(
        [
          source('v', 'video', videos),
          source('x', kind, []),
          split('s', {}),
          { id: 'g', type: 'rewatch.grpo-export', typeVersion: 2, position: at, config: { outputDir: dir.path } },
        ],
        [edge('v', 'items', 's', 'videos'), edge('x', 'items', 's', 'items'), edge('s', 'rl', 'g', 'questions')],
      );
    expect((await engine.validate(into('mcq'))).errors).toEqual([]);
    expect((await engine.validate(into('cot'))).errors).toEqual([
      expect.objectContaining({ nodeId: 'g', field: 'questions', message: expect.stringContaining('CoT') }),
    ]);
  });

  it('reports fractions that do not add up to 1 on each fraction field', async () => {
    const { errors } = await engine.validate(mcqGraph({ sftFraction: 0.5, rlFraction: 0.4, heldOutFraction: 0.2 }));
    expect(errors.map((e) => [e.nodeId, e.field])).toEqual([
      ['s', 'sftFraction'],
      ['s', 'rlFraction'],
      ['s', 'heldOutFraction'],
    ]);
    for (const error of errors) expect(error.message).toContain('must add up to 1, but add up to 1.1');
    expect((await engine.validate(mcqGraph({ sftFraction: 0.7, rlFraction: 0.2, heldOutFraction: 0.1 }))).errors).toEqual([]);
  });

  it('fails an item without a videoId, and an item whose video is not among the connected videos, naming them', async () => {
    const g = graph(
      [source('v', 'video', videos.slice(1)), source('r', 'record', [{ videoId: videos[1]!.id }, { question: 'Who?' }, { videoId: videos[0]!.id }]), split('s', { maxErrorRatio: 1 })],
      [edge('v', 'items', 's', 'videos'), edge('r', 'items', 's', 'items')],
    );
    const detail = await runToEnd(engine, g);
    expect(detail.status).toBe('done');
    const { errors } = await engine.nodeErrors(detail.runId, 's', {});
    expect(errors.map(({ seq, message }) => ({ seq, message }))).toEqual([
      { seq: 1, message: 'the item has no "videoId" to split by: {"question":"Who?"}' },
      { seq: 2, message: `the item is about video ${videos[0]!.id}, which is not among the connected videos` },
    ]);
  });

  it('needs its videos connected, and takes a version 1 node’s config as it was', async () => {
    const v1 = graph([source('q', 'mcq', questions), { ...split('s', { seed: 5, ...FRACTIONS }), typeVersion: 1 }], [edge('q', 'items', 's', 'items')]);
    expect((await engine.validate(v1)).errors).toEqual([
      expect.objectContaining({ nodeId: 's', field: 'videos', message: 'required input "videos" is not connected' }),
    ]);
    const migrated = engine.parse(v1).graph.nodes.find((n) => n.id === 's')!;
    expect(migrated).toMatchObject({ typeVersion: 2, config: { seed: 5, ...FRACTIONS } });
  });
});
