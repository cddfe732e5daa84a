import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SshLogin } from '../../main/hosts/registry.ts';

/**
 * A real OpenSSH server for tests: `/usr/sbin/sshd -D -e -f <temp sshd_config>` on 127.0.0.1 at a free port, with a
 * temporary ed25519 host key and a temporary user key authorised for the current user.
 *
 * The remote PATH is set with `SetEnv PATH=<bin>:/usr/local/bin:/usr/bin:/bin` in sshd_config, where `<bin>` is a
 * per-server copy of `test/support/fake-tools/` (a fake `nvidia-smi`, a `fake-trainer`), plus any `extraPathDirs`
 * (e.g. the fake Slurm tools). `SetEnv` is applied by sshd to every session after its default PATH, so every command
 * of the test sees the fakes before the system's tools — no prefixing of commands needed. (The user's login shell may
 * still prepend its own entries from ~/.bashrc; the fakes stay ahead of /usr/bin.) Other variables a test needs on the
 * "remote" side (`SLURM_CONF`, `FAKE_SLURM_STATE`) go through `env` the same way.
 */

export const SSHD_PATH = '/usr/sbin/sshd';
export const FAKE_TOOLS_DIR = fileURLToPath(new URL('./fake-tools/', import.meta.url));

export function sshdAvailable(): boolean {
  return existsSync(SSHD_PATH) && existsSync('/usr/bin/ssh-keygen');
}

export interface SshdOptions {
  /** Reuse a port (a second server with another key on the same address: the "changed host key" case). */
  port?: number;
  /** Extra `SetEnv` variables for every session. */
  env?: Record<string, string>;
  /** Directories put on the remote PATH before the fake tools. */
  extraPathDirs?: string[];
}

export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** The server's temporary folder (keys, config, log). */
  readonly dir: string;
  /** The per-server fake tools dir on the remote PATH. */
  readonly binDir: string;
  /** A work dir for the app on the "remote" machine. */
  readonly workDir: string;
  readonly clientKeyPath: string;
  /** `[127.0.0.1]:port ssh-ed25519 …` for this server's key. */
  readonly knownHostsLine: string;
  /** A known_hosts file holding `knownHostsLine`. */
  readonly knownHostsPath: string;
  readonly hostPublicKey: string;
  /** sshd's output (-e): useful when a test fails. */
  log(): string;
  /** A login for `SshHost` (the real known_hosts of this server unless overridden). */
  login(overrides?: Partial<SshLogin>): SshLogin;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rewatch-test', '-f', path], { stdio: 'ignore' });
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  if (!sshdAvailable()) throw new Error(`${SSHD_PATH} is not installed (apt-get install -y openssh-server)`);
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
  const dir = mkdtempSync(join(tmpdir(), 'rewatch-sshd-'));
  const binDir = join(dir, 'bin');
  const workDir = join(dir, 'remote-work');
  mkdirSync(binDir);
  mkdirSync(workDir);
  for (const name of readdirSync(FAKE_TOOLS_DIR)) {
    const from = join(FAKE_TOOLS_DIR, name);
    if (!statSync(from).isFile()) continue;
    copyFileSync(from, join(binDir, name));
    chmodSync(join(binDir, name), 0o755);
  }

  const hostKey = join(dir, 'host_ed25519_key');
  keygen(hostKey);
  const clientKeyPath = join(dir, 'client_key');
  keygen(clientKeyPath);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyPath}.pub`));
  chmodSync(clientKeyPath, 0o600);

  const port = options.port ?? (await freePort());
  const path = [...(options.extraPathDirs ?? []), binDir, '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'].join(':');
  const setEnv = Object.entries({ PATH: path, ...options.env }).map(([k, v]) => {
    if (/[\s"]/.test(v)) throw new Error(`SetEnv value for ${k} cannot contain spaces or quotes`);
    return `${k}=${v}`;
  });
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'StrictModes no',
    'UsePAM no',
    'AllowTcpForwarding yes',
    'AllowStreamLocalForwarding no',
    'X11Forwarding no',
    'PrintMotd no',
    'MaxStartups 100',
    'MaxSessions 20',
    'LogLevel DEBUG1',
    'Subsystem sftp internal-sftp',
    `SetEnv ${setEnv.join(' ')}`,
    '',
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, config);

  const logChunks: string[] = [];
  const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => logChunks.push(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${logChunks.join('')}`)), 10_000);
    const check = () => {
      if (logChunks.join('').includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${logChunks.join('')}`));
    });
  });

  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsLine = `[127.0.0.1]:${port} ${hostPublicKey}`;
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `${knownHostsLine}\n`);
  const user = userInfo().username;

  return {
    host: '127.0.0.1',
    port,
    user,
    dir,
    binDir,
    workDir,
    clientKeyPath,
    knownHostsLine,
    knownHostsPath,
    hostPublicKey,
    log: () => logChunks.join(''),
    login: (overrides = {}) => ({
      host: '127.0.0.1',
      port,
      user,
      privateKeyPath: clientKeyPath,
      knownHostsPath,
      workDir,
      ...overrides,
    }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
