import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RewardFileOptions } from './client.ts';
import { REWARD_FILE_NAMES, TRAINERS, rewardFile, type Trainer } from './trainers.ts';

export { pythonClient, CLIENT_BEGIN, CLIENT_END, type RewardFileOptions } from './client.ts';
export { REWARD_FILE_NAMES, TRAINERS, rewardFile, type Trainer } from './trainers.ts';

/**
 * Writes the four trainers' reward-function files into `dir` (created if needed) and returns their paths. A token
 * given here is baked into the files as the default: leave it out to keep it only in `REWATCH_REWARD_TOKEN`.
 */
export async function writeRewardFiles(dir: string, options: RewardFileOptions): Promise<Record<Trainer, string>> {
  await mkdir(dir, { recursive: true });
  const paths = {} as Record<Trainer, string>;
  for (const trainer of TRAINERS) {
    const path = join(dir, REWARD_FILE_NAMES[trainer]);
    // A baked token is a secret: owner-only, like the files the engine keeps keys in.
    const mode = options.token ? 0o600 : 0o644;
    await writeFile(path, rewardFile(trainer, options), { mode });
    await chmod(path, mode);
    paths[trainer] = path;
  }
  return paths;
}
