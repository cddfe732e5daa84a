import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_BEGIN, CLIENT_END, writeRewardFiles, type Trainer } from '../../nodes/rewatch/reward/python/index.ts';
import { tempDir } from '../support/engine-fixture.ts';
import type { ScriptedLlmServer } from '../support/scripted-llm-server.ts';
import {
  caption,
  dataDirOf,
  health,
  item,
  postBatch,
  startJudge,
  startRewardServer,
  storeCaptions,
  TOKEN,
  type StartedRewardServer,
} from './support.ts';

/** What each trainer reads of a reward file, recorded from its source (commits in the file). */
const FORMATS = JSON.parse(readFileSync(new URL('../rewatch/export/fixtures/grpo-trainer-formats.json', import.meta.url), 'utf8')) as {
  easyr1: { rewardTypes: string[]; rewardOutputRequired: string[] };
  verl: { rewardLoopManagers: string[]; legacyRewardManagers: string[] };
};

// Asynchronous on purpose: the reward server answers from this process's event loop while Python waits on it.
const run = promisify(execFile);

/** How each trainer loads a reward file: by path, with importlib (EasyR1, verl, ms-swift's --external_plugins). */
const LOAD = `import importlib.util, json, sys

def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

def guarded(call):
    try:
        return call()
    except Exception as error:
        return {"raised": "%s: %s" % (type(error).__name__, error)}

items = json.load(open(sys.argv[2]))
`;

/** One driver per trainer, calling the generated function the way that trainer does. */
const DRIVERS: Record<Trainer, string> = {
  easyr1: `${LOAD}
module = load(sys.argv[1], "custom_reward_fn")
inputs = [{"response": i["response"], "response_length": len(i["response"]), "ground_truth": i["ground_truth"]} for i in items]
print(json.dumps({
    "reward_type": getattr(module, "REWARD_TYPE", None),
    "batch": guarded(lambda: module.compute_score(inputs)),
    "sequential": guarded(lambda: module.compute_score(inputs[0])),
}))
`,
  verl: `${LOAD}
module = load(sys.argv[1], "rewatch_reward_verl")
# As the reward loop's managers call it: keywords only, extra_info with the loop's additions.
naive = [
    guarded(lambda i=i, n=n: module.compute_score(
        data_source="rewatch", solution_str=i["response"], ground_truth=i["ground_truth"],
        extra_info={"index": n, "num_turns": None, "rollout_reward_scores": {}}))
    for n, i in enumerate(items)
]
positional = guarded(lambda: module.compute_score("rewatch", items[0]["response"], items[0]["ground_truth"]))
batch = guarded(lambda: module.compute_score_batch(
    data_sources=["rewatch"] * len(items),
    solution_strs=[i["response"] for i in items],
    ground_truths=[{"style": "rule", "ground_truth": i["ground_truth"]} for i in items],
    extra_infos=[{"index": n} for n in range(len(items))],
))
print(json.dumps({"naive": naive, "positional": positional, "batch": batch}))
`,
  trl: `${LOAD}
module = load(sys.argv[1], "rewatch_reward_trl")
n = len(items)
conversational = guarded(lambda: module.rewatch_or_reward(
    prompts=[[{"role": "user", "content": "<video>Question %d" % k}] for k in range(n)],
    completions=[[{"role": "assistant", "content": i["response"]}] for i in items],
    answer=[i["ground_truth"] for i in items],
    completion_ids=[[1, 2, 3]] * n,
    video=["/videos/v%d.mp4" % k for k in range(n)],
    trainer_state=None,
    log_extra=lambda *args, **kwargs: None,
    log_metric=lambda *args, **kwargs: None,
))
standard = guarded(lambda: module.rewatch_or_reward(
    ["<video>Question"] * n, [i["response"] for i in items], ground_truth=[i["ground_truth"] for i in items]))
print(json.dumps({"conversational": conversational, "standard": standard, "name": module.rewatch_or_reward.__name__}))
`,
  'ms-swift': `${LOAD}
module = load(sys.argv[1], "rewatch_reward_ms_swift")
orm = module.orms["rewatch_or"]()
rewards = guarded(lambda: orm([i["response"] for i in items], ground_truth=[i["ground_truth"] for i in items], images=None))
registry = None
try:
    import swift.plugin
    registry = {
        "registered": swift.plugin.orms.get("rewatch_or") is module.RewatchORM,
        "subclass": issubclass(module.RewatchORM, swift.plugin.ORM),
    }
except ImportError:
    pass
print(json.dumps({"rewards": rewards, "registry": registry}))
`,
};

describe('generated trainer reward files', () => {
  let dir: ReturnType<typeof tempDir>;
  let judge: ScriptedLlmServer;
  let reward: StartedRewardServer;
  let files: Record<Trainer, string>;
  let bare: Record<Trainer, string>;
  let itemsFile: string;
  let failingFile: string;
  /** The server's own answer for the items. */
  let expected: Array<Record<'overall' | 'accuracy' | 'observation' | 'reasoning' | 'format', number>>;

  const items = [item('correct'), item('wrong'), item('malformed'), item('open'), item('direct')];

  beforeAll(async () => {
    dir = tempDir('rewatch-reward-py-');
    judge = await startJudge();
    await storeCaptions(dataDirOf(dir.path), [caption]);
    reward = await startRewardServer(dataDirOf(dir.path), judge.baseURL);
    // With the token baked in (drivers run with no settings) and without it (it must come from the environment).
    files = await writeRewardFiles(join(dir.path, 'baked'), { url: reward.url, token: TOKEN });
    bare = await writeRewardFiles(join(dir.path, 'bare'), { url: 'http://127.0.0.1:9' });
    const { json } = await postBatch(reward.url, { items });
    expected = json.results.map(({ overall, accuracy, observation, reasoning, format }) => ({
      overall: overall!,
      accuracy: accuracy!,
      observation: observation!,
      reasoning: reasoning!,
      format: format!,
    }));
    expect(expected.map((e) => e.overall)).toEqual([3.75, 1, 2, 3, 2]);
    itemsFile = join(dir.path, 'items.json');
    writeFileSync(itemsFile, JSON.stringify(items));
    failingFile = join(dir.path, 'failing.json');
    writeFileSync(failingFile, JSON.stringify([item('correct'), item('direct', { captionId: 'no-such-caption' })]));
    mkdirSync(join(dir.path, 'drivers'));
    for (const [trainer, code] of Object.entries(DRIVERS)) writeFileSync(join(dir.path, 'drivers', `${trainer}.py`), code);
  });

  afterAll(async () => {
    await reward?.close();
    await judge?.close();
    dir?.remove();
  });

  /** Runs a trainer's driver against a generated file; the environment holds no REWATCH_* settings unless given. */
  async function drive(trainer: Trainer, options: { file?: string; items?: string; env?: Record<string, string>; pythonPath?: string } = {}) {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1', ...options.env };
    if (options.pythonPath) env.PYTHONPATH = options.pythonPath;
    const { stdout } = await run(
      'python3',
      [join(dir.path, 'drivers', `${trainer}.py`), options.file ?? files[trainer], options.items ?? itemsFile],
      { env, timeout: 60_000 },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  it('compile, and share one client part, word for word', async () => {
    for (const path of [...Object.values(files), ...Object.values(bare)]) {
      await run('python3', ['-m', 'py_compile', path], { env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' } });
    }
    const clientOf = (path: string) => {
      const text = readFileSync(path, 'utf8');
      return text.slice(text.indexOf(CLIENT_BEGIN), text.indexOf(CLIENT_END) + CLIENT_END.length);
    };
    const clients = Object.values(files).map(clientOf);
    expect(clients[0]).toContain('def _post(items):');
    for (const client of clients) expect(client).toBe(clients[0]);
    // Only the standard library.
    const imports = new Set(clients[0]!.match(/^(?:import|from) \S+/gm));
    expect([...imports].sort()).toEqual(['import json', 'import os', 'import sys', 'import time', 'import urllib.error', 'import urllib.request']);
    // The baked token is a secret: owner-only.
    expect(statSync(files.easyr1).mode & 0o077).toBe(0);
    expect(readFileSync(bare.easyr1, 'utf8')).toContain('DEFAULT_TOKEN = ""');
  });

  it('EasyR1: declares its REWARD_TYPE; compute_score(list of dicts) gives the server’s numbers', async () => {
    const out = await drive('easyr1');
    // EasyR1 takes the reward type from the module, not from its config (recorded at the commit in the fixture).
    expect(FORMATS.easyr1.rewardTypes).toContain(out.reward_type);
    expect(out.reward_type).toBe('batch');
    expect(out.batch).toEqual(expected);
    for (const score of out.batch as Array<Record<string, number>>) {
      for (const key of FORMATS.easyr1.rewardOutputRequired) expect(typeof score[key]).toBe('number');
    }
    expect(out.sequential).toEqual(expected[0]);
  });

  it('verl: recommends only reward managers the registries of its reward paths hold', () => {
    const usage = readFileSync(files.verl, 'utf8');
    const managers = [...usage.matchAll(/^.*reward_model\.reward_manager=(\w+).*$/gm)];
    expect(usage).toContain('custom_reward_function.name=compute_score\n');
    for (const [line, name] of managers) {
      const registry = line.includes('reward_model.use_reward_loop=False') ? FORMATS.verl.legacyRewardManagers : FORMATS.verl.rewardLoopManagers;
      expect(registry).toContain(name);
    }
    expect(managers.map(([line]) => line.includes('use_reward_loop=False'))).toEqual([false, true]);
  });

  it('verl: compute_score per response and compute_score_batch give the server’s numbers with "score"', async () => {
    const out = await drive('verl');
    const withScore = expected.map((e) => ({ score: e.overall, ...e }));
    expect(out.naive).toEqual(withScore);
    expect(out.batch).toEqual(withScore);
    expect(out.positional).toEqual(withScore[0]);
  });

  it('TRL: one function, prompts/completions with the ground truth column, gives the overall rewards', async () => {
    const out = await drive('trl');
    const overall = expected.map((e) => e.overall);
    expect(out.conversational).toEqual(overall);
    expect(out.standard).toEqual(overall);
    expect(out.name).toBe('rewatch_or_reward');
  });

  it('ms-swift: the ORM plugin imports without swift and registers with it when present', async () => {
    const overall = expected.map((e) => e.overall);
    const alone = await drive('ms-swift');
    expect(alone).toEqual({ rewards: overall, registry: null });

    const fake = join(dir.path, 'fake-swift');
    mkdirSync(join(fake, 'swift'), { recursive: true });
    writeFileSync(join(fake, 'swift', '__init__.py'), '');
    writeFileSync(
      join(fake, 'swift', 'plugin.py'),
      'class ORM:\n    def __call__(self, **kwargs):\n        raise NotImplementedError\n\norms = {}\n',
    );
    const withSwift = await drive('ms-swift', { pythonPath: fake });
    expect(withSwift).toEqual({ rewards: overall, registry: { registered: true, subclass: true } });
  });

  it('read the URL and token from the environment, batch requests, and fail loudly on a wrong token', async () => {
    const env = { REWATCH_REWARD_URL: reward.url, REWATCH_REWARD_TOKEN: TOKEN };
    const batchesBefore = (await health(reward.url)).scorer.batches;
    const out = await drive('easyr1', { file: bare.easyr1, env: { ...env, REWATCH_REWARD_BATCH: '2' } });
    expect(out.batch).toEqual(expected);
    // 5 items, 2 per request: 3 requests for the batch, 1 for the sequential call.
    expect((await health(reward.url)).scorer.batches - batchesBefore).toBe(4);

    const denied = await drive('easyr1', { file: bare.easyr1, env: { ...env, REWATCH_REWARD_TOKEN: 'nope' } });
    expect(String((denied.batch as { raised: string }).raised)).toMatch(/RewatchRewardError: .*HTTP 401/);

    const nobody = await drive('trl', { file: bare.trl, env: { REWATCH_REWARD_RETRIES: '1' } });
    expect(String((nobody.standard as { raised: string }).raised)).toMatch(/RewatchRewardError: .*127\.0\.0\.1:9.*after 2 attempt/);
  });

  it('apply REWATCH_REWARD_ON_ERROR to items the server could not score', async () => {
    const raised = await drive('easyr1', { items: failingFile });
    expect(String((raised.batch as { raised: string }).raised)).toMatch(/1 of 2 items failed: item 1: unknown caption id "no-such-caption"/);

    const zero = await drive('easyr1', { items: failingFile, env: { REWATCH_REWARD_ON_ERROR: 'zero' } });
    expect(zero.batch).toEqual([expected[0], { overall: 0, accuracy: 0, observation: 0, reasoning: 0, format: 0 }]);

    const none = await drive('trl', { items: failingFile, env: { REWATCH_REWARD_ON_ERROR: 'none' } });
    expect(none.standard).toEqual([3.75, null]);
  });
});
