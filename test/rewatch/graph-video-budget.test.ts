/**
 * "192 frames" is set once: a graph's `settings.video` reaches what every video node samples, writes or sends (the
 * captioner's frames, the GRPO export's rows and hints, the EasyR1 and LLaMA-Factory configs, the evaluation's
 * frames), and a node's own value overrides it. Each check reads what the node wrote to disk or sent to the model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../main/api/contract.ts';
import { NodeCatalog } from '../../main/engine/catalog.ts';
import type { Engine } from '../../main/engine/engine.ts';
import type { GraphFile } from '../../main/graph/format.ts';
import { parseGraph } from '../../main/graph/parse.ts';
import { nodeDefinitions } from '../../nodes/index.ts';
import type { Dataset, DenseCaption } from '../../nodes/rewatch/types.ts';
import type { TrainingRun } from '../../nodes/rewatch/train/types.ts';
import { MCQType } from '../../nodes/rewatch/types.ts';
import { openEngine, profile, runToEnd, tempDir, writeJsonl } from '../support/engine-fixture.ts';
import { FAKE_TOOLS_DIR } from '../support/sshd.ts';
import { startScriptedLlmServer, type ScriptedChatRequest, type ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import { generateVideo, otherShortVideo, shortVideo } from '../support/videos.ts';
import { denseCaption, mcq, sourceType, sources } from './reasoning/support.ts';
import { datasetSource, judgeProviders, logsOf, sftDataset } from '../train/harness.ts';

const FAKE_EASYR1 = fileURLToPath(new URL('../support/fake-tools/easyr1-train', import.meta.url));

/** The graph's budget: unlike the paper's 2 fps / 192 frames / 128·28·28 px in every field. */
const BUDGET = { fps: 1, maxFrames: 8, maxPixels: 64 * 28 * 28 };
/** The evaluation node that keeps its own frame cap. */
const OWN_MAX_FRAMES = 4;
/** The SFT launcher keeps its own rate. */
const OWN_SFT_FPS = 4;

const catalog = new NodeCatalog([...nodeDefinitions, ...sources, datasetSource]);

type Part = { type: string; text?: string; image_url?: { url: string } };
const imagesOf = (request: ScriptedChatRequest) =>
  (request.messages.at(-1)!.content as Part[]).filter((p) => p.type === 'image_url').map((p) => p.image_url!.url);

/** A baseline JPEG's width, read from its SOF0 segment (marker FFC0: length, precision, height, width). */
function jpegWidth(dataUrl: string): number {
  const jpeg = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  for (let at = 2; at < jpeg.length; at += 2 + jpeg.readUInt16BE(at + 2)) {
    if (jpeg[at + 1] === 0xc0) return jpeg.readUInt16BE(at + 7);
  }
  throw new Error('no SOF0 segment in the frame');
}

/** Qwen2.5-VL: 2 frames per temporal patch, one token per 28×28 px, plus the two vision markers. */
const videoTokens = (frames: number, pixels: number) => (frames / 2) * Math.floor(pixels / (28 * 28)) + 2;

function node(id: string, type: string, config: Record<string, unknown>, x: number) {
  return { id, type, typeVersion: catalog.get(type)!.version, position: { x, y: 0 }, config };
}

function edge(from: string, to: string) {
  const [fromNode, fromPort] = from.split('.') as [string, string];
  const [toNode, toPort] = to.split('.') as [string, string];
  return { id: `${from}:${to}`, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
}

describe('the graph’s video budget, set once', () => {
  const dir = tempDir('rewatch-graph-budget-');
  const path = process.env.PATH;
  let server: ScriptedLlmServer;
  let engine: Engine;
  let run: Awaited<ReturnType<typeof runToEnd>>;
  const events: RunEvent[] = [];

  const outputs = async <T>(nodeId: string, port: string) =>
    (await engine.nodeOutput(run.runId, nodeId, port, { limit: 100 })).items.map((i) => i.data as T);
  const runFolderOf = async (nodeId: string) => join((await outputs<TrainingRun>(nodeId, 'run'))[0]!.checkpointPath, '..');
  const requestsOf = (model: string, question?: string) =>
    server.requests.filter((r) => r.model === model && (!question || JSON.stringify(r.messages).includes(question)));

  beforeAll(async () => {
    process.env.PATH = `${FAKE_TOOLS_DIR}:${path}`; // the local host's jobs (llamafactory-cli) inherit this PATH
    const short = shortVideo(dir.path);
    const other = otherShortVideo(dir.path);
    // 12 s at 320×240 = 76800 px a frame: above the budget's pixel cap, so the evaluation must scale it down.
    const wide = generateVideo(join(dir.path, 'wide.mp4'), { scenes: [{ source: 'testsrc2', seconds: 12 }], width: 320, height: 240, fps: 5 });
    const questions = [short, other].map((video, i) => {
      const caption = { ...denseCaption(`c${i}`, [{ start: 0, end: 6, text: 'A red screen.' }], 12), videoPath: video };
      return mcq(`m${i}`, caption, `What colour is shown first in video ${i}?`, ['Red', 'Blue', 'Green', 'Black'], 'A');
    });
    const benchmark = writeJsonl(join(dir.path, 'bench.jsonl'), [
      { id: 'q1', question: 'What pattern plays?', options: ['A. bars', 'B. noise'], answer: 'A', video: wide },
    ]);
    const ownBenchmark = writeJsonl(join(dir.path, 'own.jsonl'), [
      { id: 'q2', question: 'What pattern plays here?', options: ['A. bars', 'B. noise'], answer: 'A', video: wide },
    ]);

    server = await startScriptedLlmServer({
      respond: (request) => (request.model === 'captioner' ? '[00:00-00:12] a red screen, then blue, then a test pattern' : 'A'),
    });
    const dataDir = join(dir.path, 'data');
    engine = openEngine(
      dataDir,
      [
        profile('captioner-vlm', server.baseURL, { model: 'captioner' }),
        profile('segmenter-vlm', server.baseURL, { model: 'segmenter' }),
        profile('eval-vlm', server.baseURL, { model: 'evaluated' }),
        ...judgeProviders(dataDir),
      ],
      catalog,
    );
    engine.subscribe((event) => events.push(event));
    const graph: GraphFile = {
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'budget',
      settings: { video: BUDGET },
      nodes: [
        node('src', 'rewatch.video-source', { paths: [short] }, 0),
        node('seg', 'rewatch.segmenter', { mode: 'scene-change' }, 1),
        node('cap', 'rewatch.captioner', {}, 2),
        node('mcq', sourceType(MCQType), { items: questions }, 0),
        node('grpo', 'rewatch.grpo-export', { outputDir: join(dir.path, 'grpo'), valFraction: 0.5 }, 1),
        node('rl', 'rewatch.grpo-launcher', { command: [FAKE_EASYR1] }, 2),
        node('sftData', 'test.datasets', { dataset: [sftDataset(join(dir.path, 'sft'))] }, 0),
        node('sft', 'rewatch.sft-launcher', { fps: OWN_SFT_FPS }, 1),
        node('eval', 'rewatch.evaluate', { benchmark: 'jsonl', benchmarkPath: benchmark, modes: ['direct'] }, 0),
        node('evalOwn', 'rewatch.evaluate', { benchmark: 'jsonl', benchmarkPath: ownBenchmark, modes: ['direct'], maxFrames: OWN_MAX_FRAMES }, 1),
      ],
      edges: [
        edge('src.videos', 'seg.videos'),
        edge('src.videos', 'cap.videos'),
        edge('seg.segments', 'cap.segments'),
        edge('mcq.items', 'grpo.questions'),
        edge('grpo.dataset', 'rl.dataset'),
        edge('sftData.dataset', 'sft.dataset'),
      ],
    };
    run = await runToEnd(engine, graph);
  }, 120_000);

  afterAll(async () => {
    process.env.PATH = path;
    await engine?.close();
    await server?.close();
    dir.remove();
  });

  it('runs every node', () => {
    expect(run.nodes.filter((n) => n.error)).toEqual([]);
    expect(run.status).toBe('done');
  });

  it('the captioner samples the 12 s video at the graph’s 1 fps', async () => {
    const [request] = requestsOf('captioner');
    expect(requestsOf('captioner')).toHaveLength(1);
    expect(imagesOf(request!)).toHaveLength(12 * BUDGET.fps);
    const [caption] = await outputs<DenseCaption>('cap', 'captions');
    expect(caption!.sampling).toEqual([expect.objectContaining({ configuredFps: BUDGET.fps, frames: 12, fps: BUDGET.fps })]);
  });

  it('the GRPO export writes the budget into verl’s rows, ms-swift’s environment and the hints', async () => {
    const out = join(dir.path, 'grpo');
    const bytes = readFileSync(join(out, 'train.parquet'));
    const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Array<{
      videos: Array<Record<string, unknown>>;
    }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.videos[0]).toMatchObject({ fps: BUDGET.fps, max_frames: BigInt(BUDGET.maxFrames), max_pixels: BigInt(BUDGET.maxPixels) });
    }
    const hints = JSON.parse(readFileSync(join(out, 'config-hints.json'), 'utf8'));
    expect(hints.video).toEqual({ frames: BUDGET.maxFrames, fps: BUDGET.fps, max_pixels: BUDGET.maxPixels });
    expect(hints['ms-swift']).toMatchObject({
      FPS: String(BUDGET.fps),
      FPS_MAX_FRAMES: String(BUDGET.maxFrames),
      VIDEO_MAX_PIXELS: String(BUDGET.maxPixels),
    });
  });

  it('the GRPO launcher writes EasyR1’s rate, pixel cap and prompt length from it, and caps the trainer’s frames', async () => {
    const config = YAML.parse(readFileSync(join(await runFolderOf('rl'), 'easyr1.yaml'), 'utf8'));
    expect(config.data).toMatchObject({
      video_fps: BUDGET.fps,
      max_pixels: BUDGET.maxPixels,
      max_prompt_length: videoTokens(BUDGET.maxFrames, BUDGET.maxPixels) + 1024,
    });
    expect(logsOf(events, run.runId, 'rl')).toContain(`frame cap: ${BUDGET.maxFrames}`);
  });

  it('the SFT launcher writes LLaMA-Factory’s frame and pixel caps from it, and its own rate', async () => {
    const yaml = YAML.parse(readFileSync(join(await runFolderOf('sft'), 'train.yaml'), 'utf8'));
    expect(yaml).toMatchObject({ video_fps: OWN_SFT_FPS, video_maxlen: BUDGET.maxFrames, video_max_pixels: BUDGET.maxPixels });
  });

  it('the evaluation sends the budget’s frames, scaled to its pixel cap; a node’s own frame cap wins', async () => {
    const [inherited] = requestsOf('evaluated', 'What pattern plays?');
    const images = imagesOf(inherited!);
    // 12 s at 1 fps is 12 frames, over the cap of 8.
    expect(images).toHaveLength(BUDGET.maxFrames);
    for (const image of images) {
      const width = jpegWidth(image);
      expect(width % 28).toBe(0);
      expect(width * ((width * 240) / 320)).toBeLessThanOrEqual(BUDGET.maxPixels);
      expect(width).toBeGreaterThan(320 * Math.sqrt(BUDGET.maxPixels / (320 * 240)) - 28);
    }
    const [own] = requestsOf('evaluated', 'What pattern plays here?');
    expect(imagesOf(own!)).toHaveLength(OWN_MAX_FRAMES);
    expect(imagesOf(own!).map(jpegWidth)).toEqual(images.slice(0, OWN_MAX_FRAMES).map(jpegWidth));
  });
});

describe('nodes whose budget fields were renamed to the graph’s names', () => {
  interface Renamed {
    type: string;
    version: number;
    /** Fields the node needs whatever its version. */
    required?: Record<string, string>;
    old: Record<string, number>;
    renamed: Record<string, number>;
  }
  const OLD: Renamed[] = [
    {
      type: 'rewatch.grpo-export',
      version: 2,
      required: { outputDir: 'out' },
      old: { videoFps: 1, framesHint: 65, maxFramePixels: 256 * 28 * 28 },
      renamed: { fps: 1, maxFrames: 65, maxPixels: 256 * 28 * 28 },
    },
    {
      type: 'rewatch.grpo-launcher',
      version: 1,
      old: { videoFps: 1, maxFrames: 65, maxFramePixels: 256 * 28 * 28 },
      renamed: { fps: 1, maxFrames: 65, maxPixels: 256 * 28 * 28 },
    },
    {
      type: 'rewatch.sft-launcher',
      version: 1,
      old: { videoFps: 1, videoMaxlen: 64, videoMaxPixels: 256 * 28 * 28 },
      renamed: { fps: 1, maxFrames: 64, maxPixels: 256 * 28 * 28 },
    },
  ];
  const fileOf = (type: string, version: number, config: Record<string, unknown>) =>
    JSON.stringify({
      format: 'rewatch-studio/graph',
      version: 1,
      name: 'old',
      nodes: [{ id: 'n', type, typeVersion: version, position: { x: 0, y: 0 }, config }],
      edges: [],
    });

  for (const { type, version, required = {}, old, renamed } of OLD) {
    it(`${type} v${version} keeps its values under the new names, and what it left unset inherits`, () => {
      const definition = catalog.get(type)!;
      const { graph, notices } = parseGraph(fileOf(type, version, { ...required, ...old }), 'old.rewatch.json', catalog.lookup);
      const [migrated] = graph.nodes;
      expect(migrated!.typeVersion).toBe(definition.version);
      expect(migrated!.config).toMatchObject(renamed);
      for (const field of Object.keys(old).filter((f) => !(f in renamed))) expect(migrated!.config).not.toHaveProperty(field);
      expect(definition.config.safeParse(migrated!.config).success).toBe(true);
      expect(notices).toContainEqual(expect.objectContaining({ kind: 'migrated', nodeId: 'n' }));

      const unset = parseGraph(fileOf(type, version, required), 'old.rewatch.json', catalog.lookup).graph.nodes[0]!;
      expect(Object.keys(unset.config).filter((f) => f in renamed)).toEqual([]);
    });
  }

  it('rewatch.model-server v1 moves its image limit to maxImages, which otherwise inherits the graph’s frames', () => {
    const definition = catalog.get('rewatch.model-server')!;
    const upgraded = (config: Record<string, unknown>) =>
      parseGraph(fileOf('rewatch.model-server', 1, config), 'old.rewatch.json', catalog.lookup).graph.nodes[0]!;
    const migrated = upgraded({ profile: 'policy', limitMmPerPrompt: { image: 32, video: 2 } });
    expect(migrated).toMatchObject({ typeVersion: definition.version, config: { profile: 'policy', maxImages: 32, limitMmPerPrompt: { video: 2 } } });
    expect(definition.config.safeParse(migrated.config).success).toBe(true);
    expect(upgraded({ profile: 'policy' }).config).toEqual({ profile: 'policy' });
    // One place for the image limit.
    expect(definition.config.safeParse({ limitMmPerPrompt: { image: 8 } }).error?.issues).toEqual([
      expect.objectContaining({ path: ['limitMmPerPrompt'], message: 'set the image limit with `maxImages`' }),
    ]);
  });
});
