import pLimit, { type LimitFunction } from 'p-limit';
import { abortable, sleep } from './abort.ts';

export interface LimiterOptions {
  maxConcurrency: number;
  /** Spaces request starts 60000/rpm ms apart; unset means no pacing and no added latency. */
  requestsPerMinute?: number;
}

/** Bounds one provider profile's requests: at most `maxConcurrency` in flight, started no faster than the rpm. */
export class RequestLimiter {
  private readonly limit: LimitFunction;
  private readonly intervalMs: number;
  private nextStartAt = 0;

  constructor(options: LimiterOptions) {
    this.limit = pLimit(options.maxConcurrency);
    this.intervalMs = options.requestsPerMinute ? 60_000 / options.requestsPerMinute : 0;
  }

  /** Runs `task` when a slot and the pace allow. Waiting stops (rejects) as soon as `signal` aborts. */
  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const queued = this.limit(async () => {
      // A caller that gave up while queued leaves its slot at once.
      signal.throwIfAborted();
      if (this.intervalMs > 0) await this.pace(signal);
      return task();
    });
    return abortable(queued, signal);
  }

  private async pace(signal: AbortSignal): Promise<void> {
    const now = Date.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + this.intervalMs;
    if (startAt > now) await sleep(startAt - now, signal);
  }
}
