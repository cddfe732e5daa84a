import { createApiServer, editorUrl } from '../../server/index.ts';
import { isLoopbackHost } from '../../server/host.ts';
import { servePort } from '../../server/serve-port.ts';
import { persistentToken } from '../../server/token-file.ts';
import { dataDirOf, openEngine } from '../engine-options.ts';

export async function serveCommand(flags: {
  'data-dir'?: string;
  providers?: string;
  hosts?: string;
  port?: string;
  host?: string;
  'static-dir'?: string;
}): Promise<number> {
  const host = flags.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new RangeError(
      `--host ${host}: the server only listens on loopback; from another machine, tunnel to it (ssh -L PORT:127.0.0.1:PORT)`,
    );
  }
  const dataDir = dataDirOf(flags);
  const port = servePort({ flag: flags.port, env: process.env.REWATCH_PORT, dataDir });
  const engine = await openEngine(flags);
  // The desktop shell picks its own token per start (REWATCH_TOKEN); `rewatch serve` keeps the data dir's.
  const token = process.env.REWATCH_TOKEN || persistentToken(dataDir);
  let server;
  try {
    server = await createApiServer({
      engine,
      token,
      resolveMedia: (hash) => engine.mediaPath(hash),
      ...(flags['static-dir'] ? { staticDir: flags['static-dir'] } : {}),
    }).listen({ host, port });
  } catch (error) {
    await engine.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`port ${port} on ${host} is in use (another \`rewatch serve\`?): choose another with --port N or REWATCH_PORT`);
  }
  // The token is printed only inside the address to open: it is a credential, not something to log on its own.
  process.stdout.write(`ReWatch Studio engine on ${server.url} (data dir ${dataDir})\n`);
  process.stdout.write(`open: ${editorUrl(server.url, token)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.close();
  return 0;
}
