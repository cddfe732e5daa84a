import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadProviderFile, type ProviderProfile } from '../llm/profiles.ts';

/** The OS's per-user application data folder (`REWATCH_DATA_DIR` overrides it). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.REWATCH_DATA_DIR) return env.REWATCH_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ReWatch Studio');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'ReWatch Studio');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'rewatch-studio');
}

/** The provider profiles of the data dir's `providers.yaml`/`.json`, with `extraFile`'s profiles taking precedence. */
export async function loadProviders(dataDir: string, extraFile?: string): Promise<ProviderProfile[]> {
  const byName = new Map<string, ProviderProfile>();
  const own = ['providers.yaml', 'providers.yml', 'providers.json'].map((f) => join(dataDir, f)).find(existsSync);
  for (const file of [own, extraFile]) {
    if (!file) continue;
    for (const profile of (await loadProviderFile(file)).providers) byName.set(profile.name, profile);
  }
  return [...byName.values()];
}
