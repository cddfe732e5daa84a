import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as SshClient, ConnectConfig, SFTPWrapper } from 'ssh2';
import { HostConnectionError } from './errors.ts';
import {
  checkHostKey,
  hostKeyAlgorithms,
  hostKeyError,
  knownHostName,
  patternsMatch,
  readKnownHosts,
  type HostKeyError,
} from './known-hosts.ts';
import { expandHome, type SshLogin } from './registry.ts';

export type { SshClient };

interface SshConnectionOptions {
  /** The host's name in the registry, for messages. */
  label: string;
  login: SshLogin;
  /** Opens the transport instead of a TCP connection to `host:port` (tests use it to cut connections). */
  connectSocket?: (host: string, port: number) => Duplex;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Runs on every new connection before it is handed out (re-creates remote port forwards). */
  onConnect?: (client: SshClient) => Promise<void> | void;
}

/**
 * One SSH connection, opened on first use and re-opened on the next use after it drops. The server's key must be in
 * `known_hosts`: an unknown key and a changed key are both refused, with a message saying what to do.
 */
export class SshConnection {
  readonly #options: SshConnectionOptions;
  #current: Promise<SshClient> | undefined;
  /** The connection that is up, if any. */
  #live: SshClient | undefined;
  #sftp: Promise<SFTPWrapper> | undefined;
  #closed = false;
  /** How many connections were made (tests check reconnects). */
  connects = 0;

  constructor(options: SshConnectionOptions) {
    this.#options = options;
  }

  get address(): string {
    const { user, host, port } = this.#options.login;
    return `${user}@${knownHostName(host, port)}`;
  }

  /** The live connection, connecting (again) if needed. */
  async client(): Promise<SshClient> {
    for (let attempt = 0; ; attempt++) {
      if (this.#closed) throw new HostConnectionError(`the connection to ${this.#options.label} is closed`);
      this.#current ??= this.#connect().catch((error: unknown) => {
        this.#current = undefined;
        throw error;
      });
      const client = await this.#current;
      if (this.#live === client) return client;
      this.#current = undefined; // it dropped while being set up
      if (attempt >= 2) throw new HostConnectionError(`${this.address}: the connection keeps dropping`);
    }
  }

  /** Whether a connection is up right now. */
  get connected(): boolean {
    return this.#live !== undefined;
  }

  /** The connection's SFTP session, opened once per connection. */
  sftp(): Promise<SFTPWrapper> {
    this.#sftp ??= this.client()
      .then(
        (client) =>
          new Promise<SFTPWrapper>((resolve, reject) =>
            client.sftp((error, sftp) => {
              if (error) return reject(new HostConnectionError(`${this.address}: cannot open SFTP: ${error.message}`));
              sftp.on('close', () => (this.#sftp = undefined));
              resolve(sftp);
            }),
          ),
      )
      .catch((error: unknown) => {
        this.#sftp = undefined;
        throw error;
      });
    return this.#sftp;
  }

  /** Ends the connection; the next `client()` reconnects unless `final`. */
  async close(final = true): Promise<void> {
    if (final) this.#closed = true;
    const current = this.#current;
    this.#current = undefined;
    this.#sftp = undefined;
    const client = current ? await current.catch(() => undefined) : undefined;
    this.#live = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.end();
      setTimeout(resolve, 2000).unref();
    });
  }

  async #connect(): Promise<SshClient> {
    const { login, label } = this.#options;
    const knownHostsPath = expandHome(login.knownHostsPath);
    const entries = await readKnownHosts(knownHostsPath);
    const name = knownHostName(login.host, login.port);
    const knownTypes = entries
      .filter((e) => e.marker === undefined && patternsMatch(e.patterns, name))
      .map((e) => e.keyType);
    const algorithms = hostKeyAlgorithms(knownTypes);

    const config: ConnectConfig = {
      host: login.host,
      port: login.port,
      username: login.user,
      readyTimeout: this.#options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: this.#options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: 3,
    };
    if (algorithms.length) config.algorithms = { serverHostKey: algorithms as never };
    if (login.privateKeyPath) {
      const keyPath = expandHome(login.privateKeyPath);
      try {
        config.privateKey = await readFile(keyPath);
      } catch (error) {
        throw new Error(`${label}: cannot read the private key ${keyPath}: ${(error as Error).message}`);
      }
    }
    if (login.agent) {
      const socket = process.env.SSH_AUTH_SOCK ?? (process.platform === 'win32' ? 'pageant' : undefined);
      if (!socket) throw new Error(`${label}: agent: true, but no ssh-agent is running (SSH_AUTH_SOCK is not set)`);
      config.agent = socket;
    }
    if (this.#options.connectSocket) config.sock = this.#options.connectSocket(login.host, login.port);

    let refusal: HostKeyError | undefined;
    config.hostVerifier = (key: Buffer): boolean => {
      const verdict = checkHostKey(entries, login.host, login.port, key);
      if (verdict.status === 'trusted') return true;
      refusal = hostKeyError(verdict, login.host, login.port, key, login.knownHostsPath);
      return false;
    };

    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      client.on('ready', () => {
        ready = true;
        this.#live = client;
        resolve();
      });
      client.on('error', (error: Error & { level?: string }) => {
        if (ready) return; // a dropped connection also emits `close`, which is what counts
        if (refusal) return reject(refusal);
        reject(this.#explain(error));
      });
      client.on('close', () => {
        if (!ready) reject(refusal ?? new HostConnectionError(`${this.address}: the connection closed during login`));
        if (this.#live === client) {
          // Forget this connection so that the next use reconnects.
          this.#live = undefined;
          this.#current = undefined;
          this.#sftp = undefined;
        }
      });
      client.connect(config);
    });
    this.connects++;
    try {
      await this.#options.onConnect?.(client);
    } catch (error) {
      client.end();
      throw error;
    }
    return client;
  }

  #explain(error: Error & { level?: string; code?: string }): Error {
    const where = `${this.#options.label} (${this.address})`;
    if (error.level === 'client-authentication') {
      const how = this.#options.login.privateKeyPath ? `the key ${this.#options.login.privateKeyPath}` : 'the ssh-agent keys';
      return new Error(`${where} refused the login with ${how}: ${error.message}`);
    }
    if (error.message.includes('Cannot parse privateKey')) {
      return new Error(`${where}: cannot use the private key: ${error.message} (use agent: true for an encrypted key)`);
    }
    return new HostConnectionError(`cannot connect to ${where}: ${error.message}`, { cause: error });
  }
}
