import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { NodeCatalog } from '../../engine/catalog.ts';
import { DEFAULT_JUDGE_PROFILE, DEFAULT_REWARD_CONCURRENCY } from '../../reward/service.ts';
import { isLoopbackHost } from '../../server/host.ts';
import { openEngine } from '../engine-options.ts';

const DEFAULT_REWARD_PORT = 8321;

const REWARD_SERVER_USAGE = `usage: rewatch reward-server [--port ${DEFAULT_REWARD_PORT}] [--host 127.0.0.1] [--data-dir DIR] [--providers FILE]
                             [--judge ${DEFAULT_JUDGE_PROFILE}] [--infer ${DEFAULT_JUDGE_PROFILE}] [--concurrency ${DEFAULT_REWARD_CONCURRENCY}] [--write-python DIR]

Serves the O&R reward to GRPO trainers: POST /v1/reward {"items": [{"response", "ground_truth"}]} with
Authorization: Bearer TOKEN (printed at start; set REWATCH_REWARD_TOKEN to choose it). C_detail is looked up by the
ground truth's caption id among the captions stored in the data dir; the judge and infer models are provider profiles.

  --port N            default ${DEFAULT_REWARD_PORT} (0 picks a free one)
  --host ADDR         default 127.0.0.1; any other address exposes the server (plain HTTP, token-protected)
  --judge PROFILE     M_judge (default ${DEFAULT_JUDGE_PROFILE})
  --infer PROFILE     M_infer (default: the judge's profile)
  --concurrency N     responses scored at once across all batches (default ${DEFAULT_REWARD_CONCURRENCY})
  --write-python DIR  write the EasyR1, verl, TRL and ms-swift reward files for this server's URL into DIR
                      (the token is not written into them: set REWATCH_REWARD_TOKEN where the trainer runs)
  --data-dir DIR      the run store (default: the OS app-data folder, or $REWATCH_DATA_DIR)
  --providers FILE    provider profiles, added to the data dir's providers.yaml
`;

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  providers: { type: 'string' },
  judge: { type: 'string' },
  infer: { type: 'string' },
  concurrency: { type: 'string' },
  'write-python': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`--${flag} must be ${min}-${max}, got ${text}`);
  return value;
}

/**
 * `rewatch reward-server …`: takes the arguments after the command name. The engine's node catalog (the installed
 * one unless `extra.catalog`) says which node types' outputs hold captions.
 */
export async function rewardServerCommand(argv: string[], extra: { catalog?: NodeCatalog } = {}): Promise<number> {
  let flags;
  try {
    ({ values: flags } = parseArgs({ args: argv, options, allowPositionals: false, strict: true }));
  } catch (error) {
    process.stderr.write(`rewatch reward-server: ${(error as Error).message}\n\n${REWARD_SERVER_USAGE}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(REWARD_SERVER_USAGE);
    return 0;
  }
  const host = flags.host ?? '127.0.0.1';
  const port = wholeNumber('port', flags.port, DEFAULT_REWARD_PORT, 0, 65535);
  const concurrency = wholeNumber('concurrency', flags.concurrency, DEFAULT_REWARD_CONCURRENCY, 1, 10_000);
  const engine = await openEngine(flags, extra.catalog);
  let served;
  try {
    served = await engine.reward.start({
      host,
      port,
      concurrency,
      ...(process.env.REWATCH_REWARD_TOKEN ? { token: process.env.REWATCH_REWARD_TOKEN } : {}),
      ...(flags.judge ? { judge: flags.judge } : {}),
      ...(flags.infer ? { infer: flags.infer } : {}),
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  const { url, token } = served;
  const status = served.status();
  process.stdout.write(`ReWatch ${engine.reward.definition.title} server on ${url} (POST /v1/reward, GET /v1/health)\n`);
  process.stdout.write(`judge: ${served.judge}, infer: ${served.infer}, concurrency: ${concurrency}\n`);
  process.stdout.write(`${status.summary} in ${engine.store.dataDir}\n`);
  if (status.warning) process.stderr.write(`warning: ${status.warning}\n`);
  if (!isLoopbackHost(host)) {
    process.stderr.write(`warning: listening on ${host}: reachable from the network over plain HTTP, protected only by the token\n`);
  }
  if (flags['write-python']) {
    const paths = await engine.reward.definition.writeTrainerFiles(resolve(flags['write-python']), { url });
    for (const [trainer, path] of Object.entries(paths)) process.stdout.write(`${trainer} reward file: ${path}\n`);
  }
  process.stdout.write(`Reward token: ${token}\n`);
  process.stdout.write(`export REWATCH_REWARD_URL=${url} REWATCH_REWARD_TOKEN=${token}\n`);

  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await engine.close();
  return 0;
}
