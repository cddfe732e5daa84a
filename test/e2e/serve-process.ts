/**
 * `rewatch serve` in a process of its own, as `npm start` runs it, so a test can kill the engine and start it again
 * on the same data dir and port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { RENDERER_DIST } from './studio.ts';

export interface ServeProcess {
  child: ChildProcess;
  /** The address it printed to open (token included). */
  url: string;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

/** Starts `rewatch serve --static-dir dist/renderer ...args` and resolves with the `open:` address it prints. */
export function startServeProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['scripts/rewatch.mjs', 'serve', '--static-dir', RENDERER_DIST, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /^open: (\S+)$/m.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`rewatch serve exited before it was ready:\n${output}`)));
  });
}
