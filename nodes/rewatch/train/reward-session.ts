import type { NodeContext } from '../../sdk/index.ts';
import type { JobSession, LaunchRecord } from './host-job.ts';

export interface RewardSessionOptions {
  judge: string;
  /** Empty: the judge's profile. */
  infer: string;
}

/**
 * Serves the O&R reward from the engine (`ctx.reward`) and makes it reachable from the node's host through a reverse
 * tunnel; the job finds it in `REWATCH_REWARD_URL`/`REWATCH_REWARD_TOKEN`. A job that is re-attached gets its tunnel
 * back on the port and with the token it was started with.
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
  const closers: Array<() => Promise<void>> = [() => server.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const forward = await ctx.host.forwardRemote(Number(previous?.rewardPort ?? 0), server.port);
    closers.push(() => forward.close());
    ctx.log.info(`reward server on port ${server.port}, reachable from ${ctx.host.name} at 127.0.0.1:${forward.remotePort}`);
    return {
      env: { REWATCH_REWARD_URL: `http://127.0.0.1:${forward.remotePort}`, REWATCH_REWARD_TOKEN: server.token },
      record: { rewardPort: String(forward.remotePort), rewardToken: server.token },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
