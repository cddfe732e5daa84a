import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeContext } from '../../sdk/index.ts';
import type { JobSession, LaunchRecord } from './host-job.ts';

interface RewardSessionOptions {
  judge: string;
  /** Empty: the judge's profile. */
  infer: string;
}

/** Where the job calls the reward server. */
interface Endpoint {
  host: string;
  port: number;
}

type Closer = () => Promise<void>;

/**
 * Serves the O&R reward from the engine (`ctx.reward`) and makes it reachable from where the job runs through a
 * reverse tunnel; the job finds it in `REWATCH_REWARD_URL`/`REWATCH_REWARD_TOKEN`. A job that is re-attached gets its
 * endpoint back on the host, port and token it was started with.
 */
export async function openRewardSession(
  ctx: NodeContext,
  options: RewardSessionOptions,
  previous: LaunchRecord | undefined,
): Promise<JobSession> {
  const server = await ctx.reward.start({
    judge: options.judge,
    ...(options.infer ? { infer: options.infer } : {}),
    ...(previous?.rewardToken ? { token: previous.rewardToken } : {}),
  });
  const closers: Closer[] = [() => server.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const reach = ctx.host.kind === 'slurm' ? reachFromComputeNodes : reachFromHost;
    const endpoint = await reach(ctx, server.port, previous, closers);
    ctx.log.info(`reward server on port ${server.port}, reachable from ${ctx.host.name} at ${endpoint.host}:${endpoint.port}`);
    return {
      env: { REWATCH_REWARD_URL: `http://${endpoint.host}:${endpoint.port}`, REWATCH_REWARD_TOKEN: server.token },
      record: { rewardHost: endpoint.host, rewardPort: String(endpoint.port), rewardToken: server.token },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The job runs on the host itself: the tunnel's end on its loopback is enough. */
async function reachFromHost(ctx: NodeContext, port: number, previous: LaunchRecord | undefined, closers: Closer[]): Promise<Endpoint> {
  const forward = await ctx.host.forwardRemote(Number(previous?.rewardPort ?? 0), port);
  closers.push(() => forward.close());
  return { host: '127.0.0.1', port: forward.remotePort };
}

/**
 * A Slurm job runs on a compute node, and the tunnel ends on the login node's loopback, out of its reach. The tunnel
 * cannot listen elsewhere without `GatewayPorts` in the login node's sshd_config (rarely allowed), so a relay on the
 * login node listens on all its IPv4 addresses and passes connections to the tunnel. The job calls it by the login
 * node's host name, the name Slurm itself gives jobs as `SLURM_SUBMIT_HOST`; the bearer token still guards the server.
 *
 * The relay is a `python3` command of this connection: it stops when the session closes, and once the connection is
 * gone it fails its next write and exits, freeing its port for a later run that re-attaches. A relay lost with a
 * dropped connection is started again on the same port.
 */
async function reachFromComputeNodes(
  ctx: NodeContext,
  port: number,
  previous: LaunchRecord | undefined,
  closers: Closer[],
): Promise<Endpoint> {
  const forward = await ctx.host.forwardRemote(0, port);
  closers.push(() => forward.close());
  const picked = await ctx.host.exec(['python3', '-c', PICK_PORT], { signal: ctx.signal });
  if (picked.exitCode !== 0) {
    throw new Error(`cannot start the reward relay on ${ctx.host.name}'s login node (python3): ${picked.stderr.trim() || `exit ${picked.exitCode}`}`);
  }
  const [host = '', freePort = ''] = picked.stdout.toString('utf8').trim().split(/\s+/);
  if (previous?.rewardHost && previous.rewardHost !== host) {
    throw new Error(
      `the job on ${ctx.host.name} reaches the reward server through login node ${previous.rewardHost}, but this ` +
        `connection reached ${host}: set the host's login to ${previous.rewardHost} to re-attach`,
    );
  }
  const endpoint = { host, port: Number(previous?.rewardPort ?? freePort) };
  const relay = superviseRelay(ctx, endpoint.port, forward.remotePort);
  closers.push(relay.stop);
  await untilAnswered(ctx, `http://${host}:${endpoint.port}/v1/health`, relay.state);
  ctx.log.info(`relay on ${ctx.host.name}'s login node ${host}:${endpoint.port} to the tunnel on its port ${forward.remotePort}`);
  return endpoint;
}

const RELAY_RESTART_MS = 2000;
const RELAY_READY_MS = 30_000;

/** Runs the relay until stopped, and again whenever it ends on its own (as a dropped connection ends it). */
function superviseRelay(ctx: NodeContext, listenPort: number, tunnelPort: number): { state(): string; stop(): Promise<void> } {
  const stopped = new AbortController();
  let state = 'starting';
  const running = (async () => {
    while (!stopped.signal.aborted) {
      state = 'running';
      state = await ctx.host
        .exec(['python3', '-c', RELAY, String(listenPort), String(tunnelPort)], { signal: stopped.signal })
        .then((r) => `exit ${r.exitCode}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`, (e: unknown) => (e as Error).message);
      if (stopped.signal.aborted) return;
      ctx.log.warn(`the reward relay on ${ctx.host.name} stopped (${state}); starting it again`);
      await sleep(RELAY_RESTART_MS, undefined, { signal: stopped.signal }).catch(() => {});
    }
  })();
  return {
    state: () => state,
    stop: async () => {
      stopped.abort();
      await running;
    },
  };
}

/** Waits until the reward server answers through the relay, asked on the login node. */
async function untilAnswered(ctx: NodeContext, url: string, relayState: () => string): Promise<void> {
  const deadline = Date.now() + RELAY_READY_MS;
  for (;;) {
    const check = await ctx.host.exec(['python3', '-c', HEALTH, url], { signal: ctx.signal });
    if (check.exitCode === 0) return;
    if (Date.now() > deadline) {
      const problem = check.stderr.trim().split('\n').at(-1) ?? `exit ${check.exitCode}`;
      throw new Error(`the reward relay on ${ctx.host.name} does not answer at ${url} (${problem}); the relay: ${relayState()}`);
    }
    await sleep(200, undefined, { signal: ctx.signal });
  }
}

/** Prints the login node's host name and a free TCP port. */
const PICK_PORT = `import socket
s = socket.socket()
s.bind(("", 0))
print(socket.gethostname(), s.getsockname()[1])`;

/** GETs argv[1] directly (an http_proxy of the login node must not take it); fails unless it answers 2xx. */
const HEALTH = `import sys, urllib.request
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=5).read()`;

/**
 * Listens on 0.0.0.0:argv[1] and passes each connection to 127.0.0.1:argv[2]. The request head gets `Host:
 * 127.0.0.1:<port>` (the reward server, bound to loopback, refuses other Host headers as a DNS-rebinding defence) and
 * `Connection: close`, so no later request on the connection passes unrewritten. Writes a byte every 2 s to notice the
 * end of its SSH session: the write fails, and the relay exits.
 */
const RELAY = `import asyncio, sys

LISTEN, TARGET = int(sys.argv[1]), int(sys.argv[2])

async def pump(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        pass

def rewritten(head):
    request, *fields = head.split(b"\\r\\n")
    kept = [f for f in fields if f and not f.lower().startswith((b"host:", b"connection:"))]
    return b"\\r\\n".join([request, b"Host: 127.0.0.1:%d" % TARGET, b"Connection: close", *kept, b"", b""])

async def connect(reader, writer):
    try:
        head = await reader.readuntil(b"\\r\\n\\r\\n")
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", TARGET)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        writer.close()
        return
    upstream_writer.write(rewritten(head))
    await asyncio.gather(pump(reader, upstream_writer), pump(upstream_reader, writer))
    upstream_writer.close()
    writer.close()

async def main():
    server = await asyncio.start_server(connect, "0.0.0.0", LISTEN)
    async with server:
        while True:
            await asyncio.sleep(2)
            sys.stdout.write(".")
            sys.stdout.flush()

asyncio.run(main())`;
