import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { utilityProcess, type UtilityProcess } from 'electron';

export interface RunningEngine {
  /** `http://127.0.0.1:PORT`, the origin the editor is served from. */
  origin: string;
  token: string;
  stop(): void;
}

/**
 * Starts the engine (`rewatch serve`) in an Electron utility process, so its long work never runs on the main
 * thread, and resolves with the address it printed. The token is chosen here and passed in the environment, so it
 * never appears on a command line. Secrets arrive as environment variables (`apiKeyEnv` of provider profiles).
 */
export function startEngine(options: {
  appRoot: string;
  dataDir: string;
  secrets: Record<string, string>;
  /** better-sqlite3 built for Electron's ABI, when the build produced one (see scripts/build-electron.mjs). */
  sqliteBinding?: string;
}): Promise<RunningEngine> {
  const token = randomBytes(32).toString('base64url');
  const child: UtilityProcess = utilityProcess.fork(
    join(options.appRoot, 'scripts', 'rewatch.mjs'),
    // Any free port: the window is opened at whatever address the engine prints, so `rewatch serve`'s fixed default
    // (kept for browsers, whose pages must find the engine again) would only clash with one running beside the app.
    ['serve', '--data-dir', options.dataDir, '--port', '0', '--static-dir', join(options.appRoot, 'dist', 'renderer')],
    {
      stdio: 'pipe',
      serviceName: 'ReWatch Studio engine',
      env: {
        ...process.env,
        ...options.secrets,
        REWATCH_TOKEN: token,
        ...(options.sqliteBinding ? { REWATCH_SQLITE_BINDING: options.sqliteBinding } : {}),
      },
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /engine on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ origin: match[1]!, token, stop: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`the engine exited with code ${code} before it was ready:\n${output}`)));
  });
}
