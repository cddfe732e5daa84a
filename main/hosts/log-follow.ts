import { HostConnectionError, isAbortError, sleep } from './errors.ts';
import type { JobStatus, LogChunk, TailOptions } from './types.ts';

/** At most this much log per read. */
const TAIL_CHUNK_BYTES = 4 * 1024 * 1024;

/** One poll of a job: its status read BEFORE the log bytes from `offset` (so an ended job's log is complete). */
type LogPoll = (offset: number, maxBytes: number) => Promise<{ status: JobStatus; data: Buffer }>;

/**
 * Follows a growing log file from a byte offset until the job has ended and every byte was read. A lost connection
 * is retried (the next poll reconnects) for up to `reconnectTimeoutMs`; since the offset is only advanced by bytes
 * actually received, the stream continues with no gap and no duplicate.
 */
export async function* followLog(poll: LogPoll, fromOffset: number, options: TailOptions & { defaultPollMs: number }): AsyncGenerator<LogChunk> {
  const { signal } = options;
  const pollMs = options.pollMs ?? options.defaultPollMs;
  const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 5 * 60_000;
  let offset = fromOffset;
  let failingSince: number | undefined;
  let backoff = 200;
  for (;;) {
    if (signal?.aborted) return;
    let result: Awaited<ReturnType<LogPoll>>;
    try {
      result = await poll(offset, TAIL_CHUNK_BYTES);
      failingSince = undefined;
      backoff = 200;
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) return;
      if (!(error instanceof HostConnectionError)) throw error;
      failingSince ??= Date.now();
      if (Date.now() - failingSince > reconnectTimeoutMs) throw error;
      try {
        await sleep(backoff, signal);
      } catch {
        return;
      }
      backoff = Math.min(backoff * 2, 5000);
      continue;
    }
    const { data, status } = result;
    if (data.length) {
      yield { offset, data, nextOffset: offset + data.length };
      offset += data.length;
    }
    if (data.length >= TAIL_CHUNK_BYTES) continue;
    if (status.state === 'exited') return;
    try {
      await sleep(pollMs, signal);
    } catch {
      return;
    }
  }
}
