import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import net from 'node:net';
import { posix } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { ExecOptions, ProcessResult } from '../../nodes/sdk/index.ts';
import { abortError, HostConnectionError } from './errors.ts';
import { JobStore } from './job-store.ts';
import { ShellJobHost } from './jobs.ts';
import { probeHost } from './probe.ts';
import type { SshLogin } from './registry.ts';
import { commandLine } from './shell-quote.ts';
import { SshConnection, type SshClient } from './ssh-connection.ts';
import { execOnClient, withPidReport } from './ssh-exec.ts';
import type { Host, HostProbe, LocalForward, RemoteForward } from './types.ts';

export { commandLine, shellQuote } from './shell-quote.ts';

interface SshHostOptions {
  name: string;
  login: SshLogin;
  jobStore?: JobStore;
  /** Opens the transport instead of a TCP connection (tests cut it to simulate a dropped network). */
  connectSocket?: (host: string, port: number) => Duplex;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Concurrent commands on the one connection (OpenSSH allows 10 sessions per connection by default). */
  maxChannels?: number;
}

/** Counters for tests and diagnostics. */
interface SshHostStats {
  uploads: number;
  skippedUploads: number;
  uploadedBytes: number;
  /** Chunks written through SFTP. */
  sftpWrites: number;
}

function sftpCall<T>(run: (callback: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown }).code === 2; // SSH_FX_NO_SUCH_FILE
}

/**
 * Writes a local file to `remotePath` with many SFTP write requests in flight (a stream waits for each one, which is
 * ~100x slower over a real link).
 */
async function parallelUpload(
  sftp: SFTPWrapper,
  localPath: string,
  remotePath: string,
  size: number,
  onWrite: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const chunkSize = 32 * 1024;
  const handle = await sftpCall<Buffer>((cb) => sftp.open(remotePath, 'w', cb));
  const file = await open(localPath, 'r');
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const position = next;
      if (position >= size) return;
      next += chunkSize;
      const length = Math.min(chunkSize, size - position);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new Error(`${localPath} changed during the upload`);
      await sftpCall<void>((cb) => sftp.write(handle, buffer, 0, length, position, (error) => cb(error, undefined)));
      onWrite(length);
    }
  };
  try {
    await Promise.all(Array.from({ length: 32 }, worker));
  } finally {
    await file.close();
    await sftpCall<void>((cb) => sftp.close(handle, (error) => cb(error, undefined))).catch(() => {});
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A machine reached over SSH. Commands are argument arrays, quoted so that the remote shell takes every one literally. */
export class SshHost extends ShellJobHost implements Host {
  readonly kind: 'ssh' | 'slurm' = 'ssh';
  readonly name: string;
  readonly login: SshLogin;
  readonly jobStore: JobStore;
  readonly connection: SshConnection;
  readonly stats: SshHostStats = { uploads: 0, skippedUploads: 0, uploadedBytes: 0, sftpWrites: 0 };
  readonly #limit: ReturnType<typeof pLimit>;
  #workDir: Promise<string> | undefined;
  readonly #hashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();
  readonly #uploads = new Map<string, Promise<string>>();
  readonly #remoteForwards = new Map<number, { localHost: string; localPort: number }>();
  readonly #localForwards = new Set<LocalForward>();

  constructor(options: SshHostOptions) {
    super();
    this.name = options.name;
    this.login = options.login;
    this.jobStore = options.jobStore ?? new JobStore();
    this.#limit = pLimit(options.maxChannels ?? 8);
    this.connection = new SshConnection({
      label: options.name,
      login: options.login,
      ...(options.connectSocket ? { connectSocket: options.connectSocket } : {}),
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
      ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
      onConnect: (client) => this.#onConnect(client),
    });
  }

  /** Runs `argv` on the host. A connection that cannot be made (or dropped before the command began) is retried once. */
  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ProcessResult> {
    let command: string;
    try {
      command = commandLine(argv, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#limit(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const client = await this.connection.client();
          return await execOnClient(client, withPidReport(command), {
            address: this.connection.address,
            killGroup: (pid) => void this.#killGroup(pid),
            ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          });
        } catch (error) {
          const retry = error instanceof HostConnectionError && !(error as { started?: boolean }).started && attempt === 0;
          if (!retry) throw error;
        }
      }
    });
  }

  /** TERM the process group of an aborted command, KILL it 3 s later if it is still there. */
  async #killGroup(pid: number): Promise<void> {
    const script = `kill -TERM -"$1" 2>/dev/null || exit 0
i=0
while kill -0 -"$1" 2>/dev/null && [ "$i" -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL -"$1" 2>/dev/null
exit 0`;
    try {
      const client = await this.connection.client();
      await execOnClient(client, commandLine(['sh', '-c', script, 'sh', String(pid)]), { address: this.connection.address });
    } catch {
      // the connection is gone: the command's session ends with it
    }
  }

  /** The work dir with `~` resolved against the remote home. */
  workDir(): Promise<string> {
    this.#workDir ??= (async () => {
      const dir = this.login.workDir;
      if (dir !== '~' && !dir.startsWith('~/')) return dir;
      const result = await this.exec(['sh', '-c', 'printf %s "$HOME"']);
      const home = result.stdout.toString('utf8');
      if (result.exitCode !== 0 || !home.startsWith('/')) throw new Error(`${this.name}: cannot find the home folder`);
      return posix.join(home, dir.slice(1));
    })().catch((error: unknown) => {
      this.#workDir = undefined;
      throw error;
    });
    return this.#workDir;
  }

  /** Runs SFTP calls; failures that are not SFTP status codes (a dropped connection) become `HostConnectionError`. */
  async #sftp<T>(run: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    try {
      return await run(await this.connection.sftp());
    } catch (error) {
      const statusCode = typeof (error as { code?: unknown }).code === 'number';
      if (!(error instanceof HostConnectionError) && (!statusCode || !this.connection.connected)) {
        throw new HostConnectionError(`${this.connection.address}: the connection was lost during a file transfer: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Up to `maxBytes` of a file on the host from byte `offset` (SFTP: no process is started); `undefined` if missing. */
  async readFile(path: string, offset = 0, maxBytes = 64 * 1024 * 1024): Promise<Buffer | undefined> {
    return this.#sftp(async (sftp) => {
      const handle = await sftpCall<Buffer>((cb) => sftp.open(path, 'r', cb)).catch((error: unknown) => {
        if (isNoSuchFile(error)) return undefined;
        throw error;
      });
      if (!handle) return undefined;
      const chunks: Buffer[] = [];
      let total = 0;
      try {
        while (total < maxBytes) {
          const want = Math.min(256 * 1024, maxBytes - total);
          const buffer = Buffer.alloc(want);
          const read = await new Promise<number>((resolve, reject) =>
            sftp.read(handle, buffer, 0, want, offset + total, (error, bytesRead) => {
              if (error && (error as { code?: unknown }).code === 1) return resolve(0); // SSH_FX_EOF
              if (error) return reject(error);
              resolve(bytesRead);
            }),
          );
          if (read <= 0) break;
          chunks.push(buffer.subarray(0, read));
          total += read;
        }
      } finally {
        sftp.close(handle, () => {});
      }
      return Buffer.concat(chunks);
    });
  }

  async #localHash(path: string): Promise<{ hash: string; size: number }> {
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    const memo = this.#hashes.get(path);
    if (memo && memo.size === info.size && memo.mtimeMs === info.mtimeMs) return memo;
    const hash = await sha256File(path);
    this.#hashes.set(path, { size: info.size, mtimeMs: info.mtimeMs, hash });
    return { hash, size: info.size };
  }

  /**
   * Uploads a local file to `<workDir>/blobs/<sha256>` unless a file of the right size is already there. A fresh
   * upload goes to a temporary name, is checked once with `sha256sum` on the host, then renamed into place.
   */
  async ensureFile(localPath: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    const { hash, size } = await this.#localHash(localPath);
    const blobs = `${await this.workDir()}/blobs`;
    const remote = `${blobs}/${hash}`;
    const pending = this.#uploads.get(remote);
    if (pending) return pending;
    const upload = this.#upload(localPath, remote, hash, size, options.signal).finally(() => this.#uploads.delete(remote));
    this.#uploads.set(remote, upload);
    return upload;
  }

  async #upload(localPath: string, remote: string, hash: string, size: number, signal?: AbortSignal): Promise<string> {
    const existing = await this.#sftp((sftp) => sftpCall<Stats>((cb) => sftp.stat(remote, cb))).catch((error: unknown) => {
      if (isNoSuchFile(error)) return undefined;
      throw error;
    });
    if (existing && existing.size === size) {
      this.stats.skippedUploads++;
      return remote;
    }
    const mkdir = await this.exec(['mkdir', '-p', posix.dirname(remote)]);
    if (mkdir.exitCode !== 0) throw new Error(`${this.name}: cannot create ${posix.dirname(remote)}: ${mkdir.stderr.trim()}`);
    const temp = `${remote}.part-${randomBytes(4).toString('hex')}`;
    try {
      await this.#sftp((sftp) =>
        parallelUpload(sftp, localPath, temp, size, (bytes) => {
          this.stats.sftpWrites++;
          this.stats.uploadedBytes += bytes;
        }, signal),
      );
      const remoteHash = await this.#remoteSha256(temp);
      if (remoteHash !== hash) throw new Error(`${this.name}: the upload of ${localPath} arrived corrupted (sha256 ${remoteHash})`);
      await this.#sftp(async (sftp) => {
        await sftpCall<void>((cb) => sftp.ext_openssh_rename(temp, remote, (error) => cb(error, undefined))).catch(() =>
          sftpCall<void>((cb) => sftp.rename(temp, remote, (error) => cb(error, undefined))),
        );
      });
      this.stats.uploads++;
      return remote;
    } catch (error) {
      await this.exec(['rm', '-f', temp]).catch(() => {});
      throw error;
    }
  }

  async #remoteSha256(path: string): Promise<string> {
    let result = await this.exec(['sha256sum', path]);
    if (result.exitCode === 127) result = await this.exec(['shasum', '-a', '256', path]);
    const hash = result.stdout.toString('utf8').trim().split(/\s+/)[0] ?? '';
    if (result.exitCode !== 0 || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new Error(`${this.name}: cannot hash ${path} (sha256sum): ${result.stderr.trim()}`);
    }
    return hash;
  }

  /** A file that already lives on the host (e.g. a video collection): checked, and returned as an absolute path. */
  async ensureRemotePath(path: string): Promise<string> {
    // Like scp: `~/x` and relative paths are in the remote home.
    let absolute = path;
    if (path === '~' || path.startsWith('~/')) absolute = posix.join(await this.#home(), path.slice(1));
    else if (!path.startsWith('/')) absolute = posix.join(await this.#home(), path);
    await this.#sftp((sftp) => sftpCall<Stats>((cb) => sftp.stat(absolute, cb))).catch((error: unknown) => {
      if (isNoSuchFile(error)) throw new Error(`${absolute} does not exist on host "${this.name}"`);
      throw error;
    });
    return absolute;
  }

  async #home(): Promise<string> {
    return this.#sftp((sftp) => sftpCall<string>((cb) => sftp.realpath('.', cb)));
  }

  /** A local port (on 127.0.0.1) whose connections reach `remoteHost:remotePort` as seen from the host (`ssh -L`). */
  async forwardLocal(remotePort: number, remoteHost = '127.0.0.1'): Promise<LocalForward> {
    await this.connection.client(); // fail now, not at the first connection, when the host is unreachable
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.pause();
      this.connection
        .client()
        .then((client) =>
          client.forwardOut(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, remoteHost, remotePort, (error, stream) => {
            if (error) return socket.destroy();
            stream.on('error', () => socket.destroy());
            stream.on('close', () => socket.destroy());
            socket.on('close', () => stream.close());
            socket.pipe(stream).pipe(socket);
            socket.resume();
          }),
        )
        .catch(() => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const localPort = (server.address() as net.AddressInfo).port;
    const forward: LocalForward = {
      localPort,
      close: () =>
        new Promise<void>((resolve) => {
          this.#localForwards.delete(forward);
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    };
    this.#localForwards.add(forward);
    return forward;
  }

  /**
   * A port on the host (bound to its 127.0.0.1) whose connections reach `localHost:localPort` here (`ssh -R`), e.g.
   * the reward server for a trainer on the host. `remotePort` 0 lets the server choose. Re-created after a reconnect.
   */
  async forwardRemote(remotePort: number, localPort: number, localHost = '127.0.0.1'): Promise<RemoteForward> {
    const client = await this.connection.client();
    const bound = await this.#bindRemote(client, remotePort);
    this.#remoteForwards.set(bound, { localHost, localPort });
    return {
      remotePort: bound,
      close: async () => {
        this.#remoteForwards.delete(bound);
        if (!this.connection.connected) return;
        const live = await this.connection.client().catch(() => undefined);
        await new Promise<void>((resolve) => live?.unforwardIn('127.0.0.1', bound, () => resolve()) ?? resolve());
      },
    };
  }

  #bindRemote(client: SshClient, remotePort: number): Promise<number> {
    return new Promise((resolve, reject) =>
      client.forwardIn('127.0.0.1', remotePort, (error, port) => {
        if (error) return reject(new Error(`${this.name}: cannot listen on remote port ${remotePort}: ${error.message}`));
        resolve(remotePort === 0 ? port : remotePort);
      }),
    );
  }

  async #onConnect(client: SshClient): Promise<void> {
    client.on('tcp connection', (info, accept, reject) => {
      const target = this.#remoteForwards.get(info.destPort);
      if (!target) return reject();
      const stream = accept();
      const socket = net.connect(target.localPort, target.localHost);
      socket.on('error', () => stream.close());
      stream.on('error', () => socket.destroy());
      stream.on('close', () => socket.destroy());
      socket.on('close', () => stream.close());
      socket.pipe(stream).pipe(socket);
    });
    // A reconnect loses the server's listeners: ask for them again on the same ports.
    for (const port of this.#remoteForwards.keys()) {
      await this.#bindRemote(client, port).catch(() => this.#remoteForwards.delete(port));
    }
  }

  /** `uname -srm`, free space of the work dir, and the GPUs `nvidia-smi` reports. */
  async testConnection(): Promise<HostProbe> {
    const dir = await this.workDir();
    const mkdir = await this.exec(['mkdir', '-p', dir]);
    if (mkdir.exitCode !== 0) throw new Error(`${this.name}: cannot create the work dir ${dir}: ${mkdir.stderr.trim()}`);
    return probeHost(this, dir);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#localForwards].map((f) => f.close()));
    this.#remoteForwards.clear();
    await this.connection.close();
  }
}
