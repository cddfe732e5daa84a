import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { easyR1Config, easyR1Lengths } from '../../nodes/rewatch/train/easyr1-config.ts';
import { FRAME_CAP_FILE, frameCapModule, withRunFolderOnPythonPath } from '../../nodes/rewatch/train/easyr1-frame-cap.ts';
import { easyR1Settings, grpoLauncherConfig } from '../../nodes/rewatch/train/grpo-launcher.ts';
import { tempDir } from '../support/engine-fixture.ts';
import { EASYR1_CONFIG_FIELDS, leafPaths } from './harness.ts';

const run = promisify(execFile);

/** Qwen2.5-VL: a 28×28 px area is one token after the 2×2 patch merge, and 2 frames share one temporal patch. */
const tokensOfVideo = (frames: number, framePixels: number) => (frames / 2) * Math.floor(framePixels / (28 * 28));

const defaults = grpoLauncherConfig.parse({});

describe('EasyR1 config', () => {
  it(`writes only fields EasyR1 has (recorded at ${EASYR1_CONFIG_FIELDS.commit.slice(0, 10)}), and no reward_type`, () => {
    const written = YAML.parse(YAML.stringify(easyR1Config(easyR1Settings(defaults)))) as object;
    const paths = leafPaths(written);
    expect(paths.filter((p) => !EASYR1_CONFIG_FIELDS.fields.includes(p))).toEqual([]);
    expect(paths).not.toContain('worker.reward.reward_type');
    // Each setting the graph decides reaches its key.
    for (const key of ['data.video_fps', 'data.min_pixels', 'data.max_pixels', 'data.max_prompt_length', 'data.max_response_length',
      'worker.rollout.n', 'worker.rollout.temperature', 'worker.rollout.top_p', 'worker.rollout.max_num_batched_tokens', 'worker.reward.reward_function']) {
      expect(paths).toContain(key);
    }
  });

  it('carries the paper’s GRPO settings: 8 rollouts at T 0.8, top_p 0.9, 2 fps, frames of at most 128·28·28 px', () => {
    const config = easyR1Config(easyR1Settings(defaults));
    expect(config.worker.rollout).toMatchObject({ n: 8, temperature: 0.8, top_p: 0.9 });
    expect(config.data).toMatchObject({ video_fps: 2, max_pixels: 128 * 28 * 28 });
    expect(config.data.min_pixels).toBeLessThan(config.data.max_pixels);
    expect(config.worker.reward.reward_function).toBe('./rewatch_reward_easyr1.py:compute_score');
  });

  it('sizes the prompt for 192 frames at the pixel cap, with the text allowance and the response on top', () => {
    const settings = easyR1Settings(defaults);
    const { data, worker } = easyR1Config(settings);
    const video = tokensOfVideo(192, 128 * 28 * 28);
    expect(video).toBe(96 * 128);
    // <|vision_start|> and <|vision_end|> besides the video's own tokens.
    expect(data.max_prompt_length).toBe(video + 2 + defaults.promptTextTokens);
    expect(data.max_response_length).toBe(defaults.maxResponseTokens);
    // vLLMRollout refuses a max_num_batched_tokens below prompt + response.
    expect(worker.rollout.max_num_batched_tokens).toBeGreaterThanOrEqual(data.max_prompt_length + data.max_response_length);
  });

  it('derives the lengths from another budget; an odd frame cap rounds down to whole temporal patches', () => {
    const config = grpoLauncherConfig.parse({ fps: 1, maxFrames: 65, maxPixels: 256 * 28 * 28, promptTextTokens: 300, maxResponseTokens: 2000 });
    const lengths = easyR1Lengths(easyR1Settings(config));
    expect(lengths.prompt).toBe(tokensOfVideo(64, 256 * 28 * 28) + 2 + 300);
    expect(lengths).toMatchObject({ response: 2000, batchedTokens: lengths.prompt + 2000 });
    expect(easyR1Config(easyR1Settings(config)).data).toMatchObject({ video_fps: 1, max_pixels: 256 * 28 * 28 });
  });

  it('refuses a frame cap below one temporal patch and pixels below the frame floor', () => {
    expect(grpoLauncherConfig.safeParse({ maxFrames: 1 }).success).toBe(false);
    expect(grpoLauncherConfig.safeParse({ maxPixels: 28 * 28 }).success).toBe(false);
  });
});

describe('EasyR1 frame cap (sitecustomize.py on PYTHONPATH)', () => {
  const dir = tempDir('rewatch-frame-cap-');
  afterAll(() => dir.remove());

  it('sets qwen-vl-utils’ FPS_MAX_FRAMES in the job’s process and the processes it starts, and nothing else', async () => {
    const runFolder = join(dir.path, 'run');
    const packages = join(dir.path, 'site');
    mkdirSync(runFolder);
    mkdirSync(join(packages, 'qwen_vl_utils'), { recursive: true });
    writeFileSync(join(runFolder, FRAME_CAP_FILE), frameCapModule(192));
    // A stand-in for the installed qwen-vl-utils: its constant as the library declares it, read at call time.
    writeFileSync(join(packages, 'qwen_vl_utils', '__init__.py'), '');
    writeFileSync(
      join(packages, 'qwen_vl_utils', 'vision_process.py'),
      'FPS_MAX_FRAMES = 768\nFPS_MIN_FRAMES = 4\n\ndef max_frames(total):\n    return min(FPS_MAX_FRAMES, total)\n',
    );
    const probe = [
      'import json, subprocess, sys',
      'import qwen_vl_utils.vision_process as v',
      'child = subprocess.run([sys.executable, "-c", "import qwen_vl_utils.vision_process as v; print(v.max_frames(1000))"], capture_output=True, text=True)',
      'print(json.dumps({"cap": v.FPS_MAX_FRAMES, "min": v.FPS_MIN_FRAMES, "frames": v.max_frames(1000), "child": int(child.stdout)}))',
    ].join('\n');
    const [command, ...args] = withRunFolderOnPythonPath(['python3', '-c', probe]);
    const { stdout } = await run(command!, args, {
      cwd: runFolder,
      env: { PATH: process.env.PATH, PYTHONPATH: packages, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(JSON.parse(stdout)).toEqual({ cap: 192, min: 4, frames: 192, child: 192 });
  });

  it('writes the cap it is given and refuses one below 2 frames', () => {
    expect(frameCapModule(64)).toContain('MAX_FRAMES = 64\n');
    expect(() => frameCapModule(1)).toThrow(/at least 2/);
  });
});
