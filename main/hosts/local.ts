import { spawn } from 'node:child_process';
import type { ExecOptions, ProcessResult } from '../../nodes/sdk/index.ts';

/** Runs a command on this machine from an argument array, never through a shell. */
export function runLocal(argv: readonly string[], options: ExecOptions = {}): Promise<ProcessResult> {
  const [command, ...args] = argv;
  if (!command) return Promise.reject(new Error('exec needs a command'));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      signal: options.signal,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${command} was not found on this machine`) : error),
    );
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a program that exits without reading its input is not an error
      child.stdin.end(options.stdin);
    }
  });
}
