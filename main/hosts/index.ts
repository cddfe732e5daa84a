import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { JobStore } from './job-store.ts';
import { LocalHost } from './local-host.ts';
import { loadHosts, type HostConfig, type HostRegistry } from './registry.ts';
import { SlurmHost } from './slurm.ts';
import { SshHost } from './ssh-host.ts';
import type { Host } from './types.ts';

export type * from './types.ts';
export { HostConnectionError } from './errors.ts';
export { HostKeyError } from './known-hosts.ts';
export { JobStore, type JobRecord } from './job-store.ts';
export { LocalHost } from './local-host.ts';
export { loadHosts, parseHostRegistry, type HostConfig, type HostRegistry, type SlurmHostConfig, type SshHostConfig } from './registry.ts';
export { shellQuote } from './shell-quote.ts';
export { SlurmHost } from './slurm.ts';
export { SshHost } from './ssh-host.ts';

interface HostResolverOptions {
  /** The data dir: `jobs.json` and the local host's work dir (`<dataDir>/hosts/local`) live there. */
  dataDir: string;
  /** Defaults to `<dataDir>/jobs.json`. */
  jobStore?: JobStore;
  /** Transport override for SSH connections (tests). */
  connectSocket?: (host: string, port: number) => Duplex;
}

/** Host by name (`undefined` and `local` are this machine); one instance, hence one SSH connection, per host. */
export type HostResolver = ((name?: string) => Host) & {
  /** Every host name, `local` included — the validator's set. */
  readonly names: ReadonlySet<string>;
  readonly jobStore: JobStore;
  /** Closes every connection and forward. */
  close(): Promise<void>;
};

export function createHostResolver(registry: HostRegistry, options: HostResolverOptions): HostResolver {
  const jobStore = options.jobStore ?? JobStore.forDataDir(options.dataDir);
  const local = new LocalHost({ workDir: join(options.dataDir, 'hosts', 'local'), jobStore });
  const configs = new Map<string, HostConfig>(registry.hosts.map((h) => [h.name, h]));
  const made = new Map<string, Host>();
  const socket = options.connectSocket ? { connectSocket: options.connectSocket } : {};

  const resolve = (name?: string): Host => {
    if (name === undefined || name === 'local') return local;
    const existing = made.get(name);
    if (existing) return existing;
    const config = configs.get(name);
    if (!config) throw new Error(`unknown host "${name}" (hosts are defined in the data dir's hosts.yaml)`);
    const host =
      config.kind === 'ssh'
        ? new SshHost({ name, login: config, jobStore, ...socket })
        : new SlurmHost({ config, jobStore, ...socket });
    made.set(name, host);
    return host;
  };

  return Object.assign(resolve, {
    names: new Set(['local', ...configs.keys()]) as ReadonlySet<string>,
    jobStore,
    close: async () => {
      await Promise.allSettled([...made.values()].map((h) => h.close()));
      made.clear();
    },
  });
}

/** `loadHosts` + `createHostResolver`: the resolver of a data dir's `hosts.yaml` (and an optional extra file). */
export async function loadHostResolver(dataDir: string, extraFile?: string): Promise<HostResolver> {
  return createHostResolver(await loadHosts(dataDir, extraFile), { dataDir });
}
