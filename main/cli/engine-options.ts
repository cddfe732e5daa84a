import { resolve } from 'node:path';
import { NodeCatalog } from '../engine/catalog.ts';
import { Engine } from '../engine/engine.ts';
import { defaultDataDir, loadProviders } from '../engine/settings.ts';
import { loadHostResolver } from '../hosts/index.ts';
import { nodeDefinitions, servedReward } from '../../nodes/index.ts';

export const catalog = new NodeCatalog(nodeDefinitions);

/** The options every engine-backed command takes. */
export const engineFlags = {
  'data-dir': { type: 'string' },
  providers: { type: 'string' },
  hosts: { type: 'string' },
} as const;

/** The data dir the flags name: `--data-dir`, else `REWATCH_DATA_DIR`, else the OS app-data folder. */
export function dataDirOf(flags: { 'data-dir'?: string }): string {
  return resolve(flags['data-dir'] ?? defaultDataDir());
}

/** The engine over the flags' data dir, providers and hosts, with the installed node library (or `nodes`). */
export async function openEngine(
  flags: { 'data-dir'?: string; providers?: string; hosts?: string },
  nodes: NodeCatalog = catalog,
): Promise<Engine> {
  const dataDir = dataDirOf(flags);
  const extraSettingsFiles = { providers: flags.providers && resolve(flags.providers), hosts: flags.hosts && resolve(flags.hosts) };
  const providers = await loadProviders(dataDir, extraSettingsFiles.providers);
  const hosts = await loadHostResolver(dataDir, extraSettingsFiles.hosts);
  return new Engine({ dataDir, catalog: nodes, reward: servedReward, providers, hosts, extraSettingsFiles });
}
