import pLimit, { type LimitFunction } from 'p-limit';
import { abortable, sleep } from './abort.ts';

interface LimiterOptions {
  maxConcurrency: number;
  /** Spaces request starts 60000/rpm ms apart; unset means no pacing and no added latency. */
  requestsPerMinute?: number;
}

export interface ProfileLoad {
  inFlight: number;
  queued: number;
}

/** Bounds one provider profile's requests: at most `maxConcurrency` in flight, started no faster than the rpm. */
export class RequestLimiter {
  private readonly limit: LimitFunction;
  private readonly intervalMs: number;
  /** When the last paced task started, and the queue of tasks waiting for their turn to start. */
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private paceQueue: Promise<void> = Promise.resolve();

  constructor(options: LimiterOptions) {
    this.limit = pLimit(options.maxConcurrency);
    this.intervalMs = options.requestsPerMinute ? 60_000 / options.requestsPerMinute : 0;
  }

  /** Tasks holding a slot now, and tasks waiting for one. */
  load(): ProfileLoad {
    return { inFlight: this.limit.activeCount, queued: this.limit.pendingCount };
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

  /** Waits for this task's turn, then until `intervalMs` after the previous start; an aborted wait passes its turn on. */
  private pace(signal: AbortSignal): Promise<void> {
    const turn = this.paceQueue.then(async () => {
      // Timers run off the event loop's cached clock and may fire a little early: check again.
      for (let wait = this.untilNextStart(); wait > 0; wait = this.untilNextStart()) await sleep(Math.ceil(wait), signal);
      this.lastStartAt = performance.now();
    });
    this.paceQueue = turn.catch(() => {});
    return turn;
  }

  private untilNextStart(): number {
    return this.lastStartAt + this.intervalMs - performance.now();
  }
}
