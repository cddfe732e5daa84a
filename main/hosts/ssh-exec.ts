import { constants } from 'node:os';
import type { ProcessResult } from '../../nodes/sdk/index.ts';
import { abortError, HostConnectionError } from './errors.ts';
import type { ClientChannel } from 'ssh2';
import type { SshClient } from './ssh-connection.ts';

function signalExitCode(signal: string | undefined): number {
  const number = signal ? (constants.signals as Record<string, number | undefined>)[`SIG${signal}`] : undefined;
  return 128 + (number ?? 1);
}

interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal?(channelId: number, signal: string): void } };
}

/**
 * Sends a `signal` channel request (sshd then signals the command's process group). ssh2's public
 * `channel.signal()` stays silent once stdin was closed, though the request is valid after EOF, so this goes to the
 * protocol directly when it can.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as ChannelInternals;
  try {
    if ((internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof') && internals._client?._protocol?.signal) {
      internals._client._protocol.signal(internals.outgoing.id, name);
    } else {
      channel.signal(name);
    }
  } catch {
    // the channel is already closing
  }
}

const PID_MARKER = '@rewatch-pid';
const PID_LINE = /^@rewatch-pid (\d+)\n/m;

/**
 * Prefixes a command so that it first reports its pid on stderr. sshd makes each session's shell a process group
 * leader and the command `exec`s in place, so that pid is the command's process group: `kill -TERM -PID` stops it
 * and its children. (sshd refuses `signal` requests in root sessions, so this is what makes abort work there.)
 */
export function withPidReport(command: string): string {
  return `printf '${PID_MARKER} %s\\n' "$$" >&2; ${command}`;
}

interface ExecOnClientOptions {
  stdin?: Buffer | string;
  signal?: AbortSignal;
  /** For messages: `user@host:port`. */
  address: string;
  /** Called on abort with the process group a `withPidReport` command reported. */
  killGroup?: (pid: number) => void;
}

/**
 * Runs one command string on an SSH connection (the server hands it to the user's login shell). Stdin is sent and
 * closed. Aborting rejects at once, sends a TERM `signal` request, kills the reported process group and closes the
 * channel. A connection that drops before the command reports its exit status rejects with `HostConnectionError`
 * (`started` says whether the command had begun).
 */
export function execOnClient(client: SshClient, command: string, options: ExecOnClientOptions): Promise<ProcessResult> {
  const { signal, address } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const lost = (message: string, started: boolean, cause?: unknown) =>
      Object.assign(new HostConnectionError(`${address}: ${message}`, { cause }), { started });
    let opened = false;
    let aborted = false;
    const onEarlyAbort = () => {
      aborted = true;
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onEarlyAbort, { once: true });
    try {
      client.exec(command, (error, channel) => {
        signal?.removeEventListener('abort', onEarlyAbort);
        if (aborted) return channel?.close();
        if (error) return reject(lost(`cannot run a command: ${error.message}`, false, error));
        opened = true;
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let stderrText = '';
        let pid: number | undefined;
        let exitCode: number | undefined;
        const killAndClose = () => {
          if (pid !== undefined) options.killGroup?.(pid);
          channel.close();
        };
        const onAbort = () => {
          aborted = true;
          reject(abortError(signal));
          sendSignal(channel, 'TERM');
          // On a busy host the command may not have reported its pid yet: closing now would orphan it, so its group
          // is killed when the report arrives.
          if (pid !== undefined || !options.killGroup) killAndClose();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => {
          stderr.push(chunk);
          if (pid === undefined && stderrText.length < 65536) {
            stderrText += chunk.toString('latin1');
            const match = PID_LINE.exec(stderrText);
            if (match) {
              pid = Number(match[1]);
              if (aborted) killAndClose();
            }
          }
        });
        channel.on('exit', (code: number | null, signalName?: string) => {
          exitCode = code ?? signalExitCode(signalName);
        });
        channel.on('error', () => {}); // reported through `close`
        channel.on('close', () => {
          signal?.removeEventListener('abort', onAbort);
          if (aborted) return;
          if (exitCode === undefined) return reject(lost('the connection was lost while a command was running', true));
          resolve({ exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8').replace(PID_LINE, '') });
        });
        channel.end(options.stdin);
      });
    } catch (error) {
      // ssh2 throws synchronously when the connection is already gone
      signal?.removeEventListener('abort', onEarlyAbort);
      if (!opened) reject(lost(`not connected: ${(error as Error).message}`, false, error));
    }
  });
}
