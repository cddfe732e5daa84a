import { mkdir, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExecOptions, ProcessResult } from '../../nodes/sdk/index.ts';
import { JobStore } from './job-store.ts';
import { ShellJobHost } from './jobs.ts';
import { runLocal } from './local.ts';
import { probeHost } from './probe.ts';
import { expandHome } from './registry.ts';
import type { Host, HostProbe, LocalForward, RemoteForward } from './types.ts';

interface LocalHostOptions {
  /** The app's folder for local jobs (`<dataDir>/hosts/local`). */
  workDir: string;
  jobStore?: JobStore;
}

/**
 * This machine as a full `Host`: files are already here (`ensureFile` returns the path), port forwards are the
 * identity, and detached jobs use the same runner as SSH hosts (a POSIX `sh`, so not on Windows).
 */
export class LocalHost extends ShellJobHost implements Host {
  readonly kind = 'local' as const;
  readonly name = 'local';
  readonly jobStore: JobStore;
  readonly #workDir: string;

  constructor(options: LocalHostOptions) {
    super();
    this.#workDir = resolve(options.workDir);
    this.jobStore = options.jobStore ?? new JobStore();
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ProcessResult> {
    return runLocal(argv, options);
  }

  async workDir(): Promise<string> {
    await mkdir(this.#workDir, { recursive: true });
    return this.#workDir;
  }

  async readFile(path: string, offset = 0, maxBytes = 64 * 1024 * 1024): Promise<Buffer | undefined> {
    const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!file) return undefined;
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      while (total < maxBytes) {
        const buffer = Buffer.alloc(Math.min(1024 * 1024, maxBytes - total));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset + total);
        if (bytesRead <= 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        total += bytesRead;
      }
      return Buffer.concat(chunks);
    } finally {
      await file.close();
    }
  }

  async ensureFile(localPath: string): Promise<string> {
    const path = resolve(expandHome(localPath));
    if (!(await stat(path)).isFile()) throw new Error(`${path} is not a file`);
    return path;
  }

  async ensureRemotePath(path: string): Promise<string> {
    const absolute = resolve(expandHome(path));
    await stat(absolute).catch(() => {
      throw new Error(`${absolute} does not exist on this machine`);
    });
    return absolute;
  }

  async forwardLocal(remotePort: number): Promise<LocalForward> {
    return { localPort: remotePort, close: async () => {} };
  }

  async forwardRemote(_remotePort: number, localPort: number): Promise<RemoteForward> {
    return { remotePort: localPort, close: async () => {} };
  }

  async testConnection(): Promise<HostProbe> {
    return probeHost(this, await this.workDir());
  }

  async close(): Promise<void> {}
}
