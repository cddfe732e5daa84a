import { createApiServer, createToken, editorUrl } from '../../server/index.ts';
import { isLoopbackHost } from '../../server/host.ts';
import { openEngine } from '../engine-options.ts';

export async function serveCommand(flags: {
  'data-dir'?: string;
  providers?: string;
  port?: string;
  host?: string;
  'static-dir'?: string;
}): Promise<number> {
  const host = flags.host ?? '127.0.0.1';
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be 0-65535, got ${flags.port}`);
  if (!isLoopbackHost(host)) {
    throw new RangeError(
      `--host ${host}: the server only listens on loopback; from another machine, tunnel to it (ssh -L PORT:127.0.0.1:PORT)`,
    );
  }
  const engine = await openEngine(flags);
  const token = process.env.REWATCH_TOKEN || createToken();
  const server = await createApiServer({
    engine,
    token,
    resolveMedia: (hash) => engine.mediaPath(hash),
    ...(flags['static-dir'] ? { staticDir: flags['static-dir'] } : {}),
  }).listen({ host, port });
  process.stdout.write(`ReWatch Studio engine on ${server.url}\n`);
  process.stdout.write(`open: ${editorUrl(server.url, token)}\n`);
  process.stdout.write(`API token: ${token}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.close();
  return 0;
}
