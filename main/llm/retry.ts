import { sleep } from './abort.ts';

export interface BackoffOptions {
  /** First retry waits up to this long (full jitter); each further retry doubles it. */
  baseMs: number;
  /** Upper bound of the jittered wait. */
  capMs: number;
  /** Upper bound for a server's `Retry-After`, so a bogus value cannot stall a run for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 20_000, maxRetryAfterMs: 300_000 };

/** One failed attempt, described for the retry decision and for the final message. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** The wait the server asked for (`retry-after-ms` / `Retry-After`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AttemptError';
  }
}

/** A request that failed for good: not retryable, or still failing after the profile's `maxRetries`. */
export class LlmRequestError extends Error {
  constructor(
    readonly profile: string,
    readonly attempts: number,
    readonly status: number | undefined,
    cause: AttemptError,
  ) {
    const verdict = cause.retryable ? 'gave up' : 'not retryable';
    super(`LLM profile "${profile}": ${verdict} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause.message}`, {
      cause,
    });
    this.name = 'LlmRequestError';
  }
}

/** Milliseconds the server asked to wait: `retry-after-ms`, else `Retry-After` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Wait before retry number `retry` (1-based): the server's ask if any, else full-jitter exponential backoff. */
function backoffDelayMs(retry: number, error: AttemptError, backoff: BackoffOptions): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, backoff.maxRetryAfterMs);
  return Math.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** (retry - 1));
}

interface RetryContext {
  profile: string;
  maxRetries: number;
  backoff: BackoffOptions;
  signal: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds, retrying `AttemptError`s marked retryable up to `maxRetries` times.
 * Other errors (an abort) pass through untouched; a final `AttemptError` becomes an `LlmRequestError`.
 */
export async function withRetries<T>(attempt: () => Promise<T>, context: RetryContext): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof AttemptError)) throw error;
      if (!error.retryable || n > context.maxRetries) {
        throw new LlmRequestError(context.profile, n, error.status, error);
      }
      await sleep(backoffDelayMs(n, error, context.backoff), context.signal);
    }
  }
}
