import { openEngine } from '../engine-options.ts';
import { table } from '../format.ts';

type Flags = { 'data-dir'?: string; providers?: string; hosts?: string; json?: boolean };

/** `rewatch servers`: the model servers graphs started and still running (kept warm, or left by a crash). */
export async function serversCommand(flags: Flags): Promise<number> {
  const engine = await openEngine(flags);
  try {
    const servers = await engine.modelServers();
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(servers, null, 2)}\n`);
      return 0;
    }
    if (!servers.length) {
      process.stdout.write('no model servers are running\n');
      return 0;
    }
    const rows = servers.map((s) => [s.id, s.profile, s.engine, s.model, s.host, s.keepWarm ? 'yes' : 'no', new Date(s.startedAt).toISOString()]);
    process.stdout.write(`${table(['id', 'profile', 'engine', 'model', 'host', 'warm', 'started'], rows)}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

/** `rewatch servers stop ID`: stops a model server no run is using. */
export async function stopServerCommand(id: string, flags: Flags): Promise<number> {
  const engine = await openEngine(flags);
  try {
    await engine.stopModelServer(id);
    process.stdout.write(`stopped model server ${id}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
